/**
 * Counter reads of every shard, summed. Each shard keeps its counters in fixed-position strings (one GET,
 * or one GETRANGE of the gauges' slice for the readers that poll, such as the ops board every second)
 * plus hash fields for dimensions without a position (HGETALL, or HSCAN MATCH with a large COUNT); both
 * are turned into one field form (`<metric>|<dim>`) and summed. Layout: counter-positions.ts and
 * lua/_README.md "Counters". Used through SlaReader (sla-reader.ts), which also exports readCounterRows
 * for callers that only want the raw rows.
 */
import type { Cluster, Redis } from 'ioredis';
import type { SlaKeys } from '../keys.js';
import { sumCounterHashes, type CounterRow } from '../../../core/sla/counters.js';
import { addDayString, addMetricSlice, addTotalsString, DIM_SLOTS } from '../counter-positions.js';

const SCAN_COUNT = 10_000;

async function scanFields(
  redis: Redis | Cluster,
  key: string,
  match: string,
): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(key, cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
    cursor = next;
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
  } while (cursor !== '0');
  return fields;
}

/**
 * One shard's counters in the field form of the `cnt` hash (`<metric>|<dim>`, `rt|...`, `rt_sum_ms|...`):
 * its hash fields plus its totals string.
 */
export async function readCounterHash(
  redis: Redis | Cluster,
  keys: SlaKeys,
  shard: number,
): Promise<Record<string, string>> {
  const [hash, bits] = await Promise.all([
    redis.hgetall(keys.counters(shard)),
    redis.getBuffer(keys.counterBits(shard)),
  ]);
  return addTotalsString(hash, bits);
}

/** Every shard's counters, summed. */
export async function readCounterRows(
  redis: Redis | Cluster,
  keys: SlaKeys,
  shards: number,
): Promise<CounterRow[]> {
  return sumCounterHashes(await allShards(shards, (shard) => readCounterHash(redis, keys, shard)));
}

/**
 * The counters of one of an appeal's other targets (issue #16: `final_*` the final answer, `next_*` the
 * next reply; hash fields only, no fixed positions), summed over every shard, in the first reply's
 * metric names, so every reader of CounterRow shows them as they are.
 */
export async function readTargetCounterRows(
  redis: Redis | Cluster,
  keys: SlaKeys,
  shards: number,
  prefix: 'final_' | 'next_',
): Promise<CounterRow[]> {
  const hashes = await allShards(shards, (shard) => redis.hgetall(keys.counters(shard)));
  return sumCounterHashes(
    hashes.map((hash) =>
      Object.fromEntries(
        Object.entries(hash)
          .filter(([field]) => field.startsWith(prefix))
          .map(([field, value]) => [field.slice(prefix.length), value]),
      ),
    ),
  );
}

export const allShards = <T>(shards: number, read: (shard: number) => Promise<T>) =>
  Promise.all(Array.from({ length: shards }, (_, shard) => read(shard)));

/** The gauges the board shows per cell: open comments, and of them the ones in the late wheel. */
const GAUGES = ['open', 'overdue'] as const;

/** The `open` and `overdue` gauges per region, category and priority, summed over the shards. */
export async function readGaugeRows(
  redis: Redis | Cluster,
  keys: SlaKeys,
  shards: number,
): Promise<CounterRow[]> {
  // One GETRANGE of metrics 0-2 (`opened`, `open`, `overdue`, side by side: `open` is derived from
  // `opened` and its own slot, counter-positions.ts), and one HSCAN per gauge for the fields without a
  // position: MATCH takes one pattern, and a wider one (`o*`) would bring `opened` too.
  const hashes = await allShards(shards, async (shard) => {
    const [slice, ...fields] = await Promise.all([
      redis.getrangeBuffer(keys.counterBits(shard), 0, (1 + GAUGES.length) * DIM_SLOTS * 8 - 1),
      ...GAUGES.map((gauge) => scanFields(redis, keys.counters(shard), `${gauge}|*`)),
    ]);
    return [addMetricSlice({}, slice, 0, false), ...fields];
  });
  return sumCounterHashes(hashes.flat());
}

/** One epoch day's daily buckets (every metric), summed over the shards. */
export async function readDayRows(
  redis: Redis | Cluster,
  keys: SlaKeys,
  shards: number,
  epochDay: number,
): Promise<CounterRow[]> {
  const prefix = `${epochDay}|`;
  const hashes = await allShards(shards, async (shard) => {
    const [fields, bits] = await Promise.all([
      scanFields(redis, keys.daily(shard), `${prefix}*`),
      redis.getBuffer(keys.dayBits(shard, epochDay)),
    ]);
    return addDayString(
      Object.fromEntries(Object.entries(fields).map(([field, value]) => [field.slice(prefix.length), value])),
      bits,
    );
  });
  return sumCounterHashes(hashes);
}

/**
 * The gauges of the appeal lifecycle (issue #16) the board shows: open and overdue final answers
 * (`final_open`, `final_overdue`), next replies after a reopening or a follow-up (`next_open`,
 * `next_overdue`) and paused appeals (`paused`). They have no fixed position: hash fields only, one
 * HSCAN MATCH per gauge and shard. Rows keep the field's metric name.
 */
export const LIFECYCLE_GAUGES = [
  'final_open',
  'final_overdue',
  'next_open',
  'next_overdue',
  'paused',
] as const;
export type LifecycleGauge = (typeof LIFECYCLE_GAUGES)[number];

export interface LifecycleGaugeRow {
  metric: LifecycleGauge;
  region: string;
  category: string;
  priority: string;
  value: number;
}

export async function readLifecycleGaugeRows(
  redis: Redis | Cluster,
  keys: SlaKeys,
  shards: number,
): Promise<LifecycleGaugeRow[]> {
  const hashes = await allShards(shards, (shard) =>
    Promise.all(LIFECYCLE_GAUGES.map((gauge) => scanFields(redis, keys.counters(shard), `${gauge}|*`))),
  );
  const sums = new Map<string, LifecycleGaugeRow>();
  for (const field of hashes.flat()) {
    for (const [name, raw] of Object.entries(field)) {
      const [metric, region, category, priority] = name.split('|');
      if (region === undefined || !category || !priority) continue;
      const row = sums.get(name) ?? {
        metric: metric as LifecycleGauge,
        region,
        category,
        priority,
        value: 0,
      };
      row.value += Number(raw);
      sums.set(name, row);
    }
  }
  return [...sums.values()];
}

/**
 * Counter reads of every shard, summed: whole hashes (HGETALL), or just some fields (HSCAN MATCH with a
 * large COUNT: a few round trips per shard, a fraction of the bytes) for the readers that poll, such as
 * the ops board every second. Field layout: lua/_README.md "Counters". Used through SlaReader
 * (sla-reader.ts), which also exports readCounterRows for callers that only want the raw rows.
 */
import type { Cluster, Redis } from 'ioredis';
import type { SlaKeys } from '../keys.js';
import { sumCounterHashes, type CounterRow } from '../../../core/sla/counters.js';

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

/** Every shard's whole counters hash, summed. */
export async function readCounterRows(
  redis: Redis | Cluster,
  keys: SlaKeys,
  shards: number,
): Promise<CounterRow[]> {
  return sumCounterHashes(await allShards(shards, (shard) => redis.hgetall(keys.counters(shard))));
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
  // One HSCAN per gauge: MATCH takes one pattern, and a wider one (`o*`) would bring `opened` too.
  const hashes = await allShards(shards, (shard) =>
    Promise.all(GAUGES.map((gauge) => scanFields(redis, keys.counters(shard), `${gauge}|*`))),
  );
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
    const fields = await scanFields(redis, keys.daily(shard), `${prefix}*`);
    return Object.fromEntries(
      Object.entries(fields).map(([field, value]) => [field.slice(prefix.length), value]),
    );
  });
  return sumCounterHashes(hashes);
}

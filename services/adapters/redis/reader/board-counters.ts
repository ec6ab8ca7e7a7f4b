/**
 * The board's counter reads. The SLA reader (services/adapters/redis/reader/sla-reader.ts) reads whole counter
 * hashes; the board needs only the `open` and `overdue` gauges and today's buckets, and reads them every
 * second, so it asks Redis for just those fields (HSCAN MATCH with a large COUNT: a few round trips per
 * shard and gauge, a fraction of the bytes) and parses nothing else. Field layout: services/adapters/redis/lua/_README.md "Counters".
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

const allShards = <T>(shards: number, read: (shard: number) => Promise<T>) =>
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

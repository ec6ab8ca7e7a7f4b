import type { Cluster, Redis } from 'ioredis';
import { sumCounterHashes, type CounterRow } from '../../core/sla/counters.js';
import type { SlaKeys } from './keys.js';

/** Reads every shard's counters (summed) for boards, CLIs and tests. */
export async function readCounterRows(
  redis: Redis | Cluster,
  keys: SlaKeys,
  shards: number,
): Promise<CounterRow[]> {
  const hashes = await Promise.all(
    Array.from({ length: shards }, (_, shard) => redis.hgetall(keys.counters(shard))),
  );
  return sumCounterHashes(hashes);
}

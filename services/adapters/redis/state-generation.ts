import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { ShardState } from '../../core/state/generation.js';
import { SlaKeys } from './keys.js';

const shardList = (shards: number) => Array.from({ length: shards }, (_, shard) => shard);

/** Every shard's generation key (null when absent), one GET per shard (they live on different slots). */
export async function readGenerations(
  redis: Redis | Cluster,
  prefix: string,
  shards: number,
): Promise<(string | null)[]> {
  const keys = new SlaKeys(prefix);
  return Promise.all(shardList(shards).map((shard) => redis.get(keys.generation(shard))));
}

/** Every shard's generation and whether it holds the SLA layout (its version key), for the start check. */
export async function readShardStates(
  redis: Redis | Cluster,
  prefix: string,
  shards: number,
): Promise<ShardState[]> {
  const keys = new SlaKeys(prefix);
  return Promise.all(
    shardList(shards).map(async (shard) => {
      const [generation, layout] = await Promise.all([
        redis.get(keys.generation(shard)),
        redis.exists(keys.layoutVersion(shard)),
      ]);
      return { generation, layoutPresent: layout > 0 };
    }),
  );
}

/**
 * Writes a new generation into every shard and returns the one that holds. Processes starting together
 * race on shard 0 (SET NX); the winner's id is then written into the others, so all agree.
 * `replace` overwrites whatever is there: the operator's explicit acceptance of a loss.
 */
export async function writeGeneration(
  redis: Redis | Cluster,
  prefix: string,
  shards: number,
  options: { replace?: boolean } = {},
): Promise<string> {
  const keys = new SlaKeys(prefix);
  const candidate = randomUUID();
  if (options.replace) {
    await Promise.all(shardList(shards).map((shard) => redis.set(keys.generation(shard), candidate)));
    return candidate;
  }
  await redis.set(keys.generation(0), candidate, 'NX');
  const winner = (await redis.get(keys.generation(0))) ?? candidate;
  await Promise.all(
    shardList(shards)
      .slice(1)
      .map((shard) => redis.set(keys.generation(shard), winner, 'NX')),
  );
  return winner;
}

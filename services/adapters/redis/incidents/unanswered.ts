import type { Cluster, Redis } from 'ioredis';
import { shardOf } from '../../../core/sla/shard.js';
import { SlaKeys } from '../keys.js';

/**
 * The members of an incident still waiting for a first reply: those with an open SLA record (one
 * HEXISTS each, pipelined). A member answered, deleted, or that needed no reply is not among them.
 */
export async function unansweredMembers(
  redis: Redis | Cluster,
  sla: { prefix: string; shards: number },
  members: readonly string[],
): Promise<string[]> {
  if (members.length === 0) return [];
  const keys = new SlaKeys(sla.prefix);
  const pipeline = redis.pipeline();
  for (const key of members) pipeline.hexists(keys.record(shardOf(key, sla.shards), key), key);
  const replies = (await pipeline.exec()) ?? [];
  return members.filter((_, i) => {
    const [error, value] = replies[i] ?? [null, 0];
    if (error) throw error;
    return value === 1;
  });
}

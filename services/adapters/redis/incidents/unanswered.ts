import type { Cluster, Redis } from 'ioredis';
import { shardOf } from '../../../core/sla/shard.js';
import { SlaKeys } from '../keys.js';

/**
 * The members of an incident still waiting for a first reply: those with an open SLA record (one
 * HEXISTS each, pipelined). A member answered, deleted, or that needed no reply is not among them.
 * Members live on different shards: on a Redis Cluster one pipeline may not span slots, so there the
 * HEXISTS go one pipeline per shard (each shard's keys share a hash tag).
 */
export async function unansweredMembers(
  redis: Redis | Cluster,
  sla: { prefix: string; shards: number },
  members: readonly string[],
): Promise<string[]> {
  if (members.length === 0) return [];
  const keys = new SlaKeys(sla.prefix);
  const byShard = new Map<number, number[]>();
  members.forEach((key, i) => {
    const shard = shardOf(key, sla.shards);
    byShard.set(shard, [...(byShard.get(shard) ?? []), i]);
  });
  const open = new Array<boolean>(members.length).fill(false);
  await Promise.all(
    [...byShard].map(async ([shard, indexes]) => {
      const pipeline = redis.pipeline();
      for (const i of indexes)
        pipeline.hexists(keys.record(shard, members[i] as string), members[i] as string);
      const replies = (await pipeline.exec()) ?? [];
      indexes.forEach((member, j) => {
        const [error, value] = replies[j] ?? [null, 0];
        if (error) throw error;
        open[member] = value === 1;
      });
    }),
  );
  return members.filter((_, i) => open[i]);
}

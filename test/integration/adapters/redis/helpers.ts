import type { Cluster, Redis } from 'ioredis';
import type { OpenSlaCommand, SlaCommand } from '../../../../services/core/sla/commands.js';
import { shardOf } from '../../../../services/core/sla/shard.js';

let seq = 0;

/** An open command for a fresh comment, due in a minute unless overridden. */
export function openCommand(
  now: number,
  shards: number,
  overrides: Partial<OpenSlaCommand> = {},
): OpenSlaCommand {
  const commentId = overrides.commentId ?? `c${++seq}-${Math.random().toString(36).slice(2, 8)}`;
  const platform = overrides.platform ?? 'VK';
  const commentKey = `${platform}:${commentId}`;
  return {
    kind: 'open',
    commentKey,
    shard: shardOf(commentKey, shards),
    platform,
    commentId,
    threadId: 't1',
    pageId: 'page-1',
    region: '54',
    municipality: null,
    category: 'housing_utilities',
    priority: 'critical',
    postedAt: now,
    warnAt: now + 30_000,
    dueAt: now + 60_000,
    policyId: 'test/critical',
    escalationIntervalMs: 10_000,
    maxEscalationLevel: 2,
    excerpt: 'Нет горячей воды',
    url: null,
    ...overrides,
  };
}

export const answerOf = (c: OpenSlaCommand, answeredAt: number): SlaCommand => ({
  kind: 'answer',
  commentKey: c.commentKey,
  shard: c.shard,
  answeredAt,
});

export const cancelOf = (c: OpenSlaCommand): SlaCommand => ({
  kind: 'cancel',
  commentKey: c.commentKey,
  shard: c.shard,
});

export async function serverNow(redis: Redis | Cluster): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

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

/** Slots per minute of a counted-slot wheel before the next one opens (lua/includes/wheel.lua). */
const WHEEL_SLOT_MAX = 32;

/** The slot keys of a counted-slot wheel (`base`: SlaKeys.due or .late), minute by minute. */
export async function wheelSlots(redis: Redis | Cluster, base: string): Promise<string[]> {
  const slots: string[] = [];
  for (const id of await redis.zrange(`${base}x`, 0, -1)) {
    const count = Number((await redis.hget(`${base}n`, id)) ?? 0);
    for (let n = 0; n * WHEEL_SLOT_MAX < count; n++) slots.push(`${base}:${id}.${n}`);
  }
  return slots;
}

/** Every member of a counted-slot wheel (and of `soon`, when given: the due wheel's coming minute). */
export async function wheelMembers(redis: Redis | Cluster, base: string, soon?: string): Promise<string[]> {
  const members: string[] = soon ? await redis.zrange(soon, 0, -1) : [];
  for (const slot of await wheelSlots(redis, base)) members.push(...(await redis.zrange(slot, 0, -1)));
  return members;
}

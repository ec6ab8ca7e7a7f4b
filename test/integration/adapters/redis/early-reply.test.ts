import { afterAll, expect, it } from 'vitest';
import { readCounterHash } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import type { AnswerSlaCommand, SlaCommand } from '../../../../services/core/sla/commands.js';
import { parsePolicyConfig } from '../../../../services/core/sla/policy.js';
import { shardOf } from '../../../../services/core/sla/shard.js';
import { isolatedStack } from '../../../support/fixture.js';
import { openCommand, serverNow, wheelMembers } from './helpers.js';

/**
 * An official reply that overtakes its comment (docs/sla-engine.md "Actions and replies before their
 * comment"): under the lifecycle, the end is the same as in the order comment, reply: the appeal's state,
 * its final answer from the reply's time, the thread links (the replies' too), the counters once, and a
 * citizen's comment under the reply is the appeal's follow-up. Redeliveries change nothing; a delete
 * before or after the reply still cancels.
 */
const SHARDS = 4;
const stack = isolatedStack('early-reply');
const redis = stack.redis();
afterAll(() => redis.disconnect());
const policy = parsePolicyConfig({});

it('a reply before its comment ends as the comment before its reply', async () => {
  const now = await serverNow(redis);
  const a = openCommand(now, SHARDS, { commentId: 'a1', postedAt: now - 60_000, priority: 'high' });
  const reply = (key: string, at: number, replyKey: string): AnswerSlaCommand => ({
    kind: 'answer',
    commentKey: key,
    shard: shardOf(key, SHARDS),
    answeredAt: at,
    replyKey,
  });
  const r1 = reply(a.commentKey, now - 30_000, 'VK:r1');
  const r2 = reply(a.commentKey, now - 20_000, 'VK:r2');
  // A citizen's comment under the later reply, and the official reply to it (the next reply met).
  const f = openCommand(now, SHARDS, {
    commentId: 'f1',
    postedAt: now,
    priority: 'high',
    parentKey: 'VK:r2',
  });
  const r3 = reply(f.commentKey, now + 10_000, 'VK:r3');

  const run = async (prefix: string, order: SlaCommand[]) => {
    const store = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 600_000, policy });
    const outcomes: string[] = [];
    for (const c of order) outcomes.push(...(await store.apply([c])));
    const k = store.keys;
    const counters: Record<string, number> = {};
    for (let s = 0; s < SHARDS; s++)
      for (const [field, v] of Object.entries(await readCounterHash(redis, k, s)))
        if (Number(v) !== 0) counters[field] = (counters[field] ?? 0) + Number(v);
    const links: Record<string, string | null> = {};
    for (const key of [a.commentKey, 'VK:r1', 'VK:r2', f.commentKey, 'VK:r3'])
      links[key] = await redis.get(k.link(shardOf(key, SHARDS), key));
    const due: string[] = [];
    for (let s = 0; s < SHARDS; s++) due.push(...(await wheelMembers(redis, k.due(s), k.soon(s))));
    const { state } = await store.readAppeal(a.shard, a.commentKey);
    const markers = [
      await redis.get(k.finished(a.shard, a.commentKey)),
      await redis.get(k.finished(f.shard, f.commentKey)),
    ];
    return { outcomes, end: { state, counters, links, due: due.sort(), markers } };
  };

  const base = stack.env.OTKLIK_KEY_PREFIX as string;
  const normal = await run(`${base}:normal`, [a, r1, r2, f, r3]);
  // Replies first, the later one first; then everything redelivered.
  const early = await run(`${base}:early`, [r2, r1, a, f, r3, r1, r2, a, f, r3]);
  expect(normal.outcomes).toEqual(['OPENED', 'ANSWERED', 'DUPLICATE', 'FOLLOW_UP', 'ANSWERED']);
  expect(early.outcomes).toEqual([
    'ANSWERED_EARLY',
    'DUPLICATE',
    'ANSWERED_BEFORE',
    'FOLLOW_UP',
    'ANSWERED',
    ...['DUPLICATE', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE'],
  ]);
  expect(early.end).toEqual(normal.end);
  // What that end is: answered at the earliest reply, the final answer from it, every link to the appeal.
  const { state, counters, links, due } = early.end;
  expect(state?.repliedAt).toBe(r1.answeredAt);
  expect(state?.final?.startedAt).toBe(r1.answeredAt);
  expect(state?.seen).toEqual(['c:VK:r1', 'c:VK:r2', 'c:VK:f1', 'c:VK:r3']);
  expect(Object.values(links)).toEqual(Array(5).fill(a.commentKey));
  expect(due).toEqual([`${a.commentKey}#final`]);
  const dim = '54|housing_utilities|high';
  expect(counters).toMatchObject({
    [`opened|${dim}`]: 1,
    [`answered_in_time|${dim}`]: 1,
    [`final_opened|${dim}`]: 1,
    [`final_open|${dim}`]: 1,
    [`next_opened|${dim}`]: 1,
    [`next_answered_in_time|${dim}`]: 1,
  });
  expect(counters[`answered_late|${dim}`]).toBeUndefined();

  // A delete before or after the early reply: cancelled once, no appeal, no link.
  const cancel: SlaCommand = { kind: 'cancel', commentKey: a.commentKey, shard: a.shard };
  const before = await run(`${base}:del1`, [cancel, r1, a]);
  const after = await run(`${base}:del2`, [r1, cancel, a, r1]);
  expect(before.outcomes).toEqual(['DELETED_EARLY', 'DUPLICATE', 'DELETED_BEFORE']);
  expect(after.outcomes).toEqual(['ANSWERED_EARLY', 'DELETED_EARLY', 'DELETED_BEFORE', 'DUPLICATE']);
  for (const { end } of [before, after]) {
    expect(end.state).toBeNull();
    expect(end.links['VK:r1']).toBeNull();
    expect(end.counters).toEqual({ [`cancelled|${dim}`]: 1 });
  }
});

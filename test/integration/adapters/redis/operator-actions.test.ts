import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { readCounterRows } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { totalsOf } from '../../../../services/core/sla/counters.js';
import type { ActionCommand, OpenSlaCommand } from '../../../../services/core/sla/commands.js';
import type { OperatorAction, OperatorActionKind } from '../../../../services/core/contracts/index.js';
import { isolatedStack } from '../../../support/fixture.js';
import { answerOf, openCommand as openCommandOn, serverNow } from './helpers.js';

const SHARDS = 4;
let redis: Redis;
let store: SlaStore;

beforeAll(() => {
  const stack = isolatedStack('operator-actions');
  redis = stack.redis();
  store = new SlaStore(redis, {
    prefix: stack.env.OTKLIK_KEY_PREFIX as string,
    shards: SHARDS,
    retentionMs: 60_000,
  });
});
afterAll(() => redis.disconnect());

let seq = 0;
function actionOn(
  c: OpenSlaCommand,
  kind: OperatorActionKind,
  actedAt: number,
  extra: Partial<OperatorAction> = {},
): ActionCommand {
  return {
    kind: 'action',
    commentKey: c.commentKey,
    shard: c.shard,
    action: {
      action_id: `act-${++seq}-${Math.random().toString(36).slice(2, 8)}`,
      comment_key: c.commentKey,
      kind,
      operator_id: 'op-1',
      acted_at: actedAt,
      note: null,
      assignment: null,
      pause_reason: null,
      correction: null,
      ...extra,
    },
  };
}
const totals = async () => totalsOf(await readCounterRows(redis, store.keys, SHARDS));
async function claimed(key: string): Promise<string[]> {
  const out: string[] = [];
  for (let s = 0; s < SHARDS; s++)
    for (const a of (await store.claimDue(s, 1000, 30_000)).alerts)
      if (a.commentKey === key) out.push(a.kind);
  return out;
}

describe('operator actions on real Redis (issue #16, first slice)', () => {
  it('INTERIM_REPLY ends the first reply once, counted in time; its replay and a later reply change nothing', async () => {
    const before = await totals();
    const now = await serverNow(redis);
    const c = openCommandOn(now, SHARDS);
    expect(await store.apply([c])).toEqual(['OPENED']);
    const interim = actionOn(c, 'INTERIM_REPLY', now + 1000);
    expect(await store.act([interim, interim])).toEqual(['ANSWERED', 'DUPLICATE']);
    expect(await store.apply([answerOf(c, now + 2000)])).toEqual(['DUPLICATE']);
    expect(await store.act([interim])).toEqual(['DUPLICATE']);
    const after = await totals();
    expect(after.opened - before.opened).toBe(1);
    expect(after.answered_in_time - before.answered_in_time).toBe(1);
    expect(after.answered_late - before.answered_late).toBe(0);
    expect(after.open - before.open).toBe(0);
  });

  it('INTERIM_REPLY after the deadline is counted late and stops the alerts of an overdue comment', async () => {
    const before = await totals();
    const now = await serverNow(redis);
    const c = openCommandOn(now, SHARDS, { postedAt: now - 5000, warnAt: now - 2000, dueAt: now - 1000 });
    expect(await store.apply([c])).toEqual(['OPENED']);
    expect(await claimed(c.commentKey)).toEqual(['BREACH']);
    expect((await totals()).overdue - before.overdue).toBe(1);
    expect(await store.act([actionOn(c, 'INTERIM_REPLY', now)])).toEqual(['ANSWERED']);
    const after = await totals();
    expect(after.answered_late - before.answered_late).toBe(1);
    expect(after.overdue - before.overdue).toBe(0);
    expect(after.open - before.open).toBe(0);
  });

  it('an INTERIM_REPLY before its comment is applied when the comment arrives: no alert ever fires', async () => {
    const before = await totals();
    const now = await serverNow(redis);
    const c = openCommandOn(now, SHARDS, { postedAt: now - 5000, warnAt: now - 2000, dueAt: now - 1000 });
    const interim = actionOn(c, 'INTERIM_REPLY', now - 1500);
    expect(await store.act([interim])).toEqual(['ANSWERED_EARLY']);
    expect(await store.apply([c, c])).toEqual(['ANSWERED_BEFORE', 'DUPLICATE']);
    expect(await store.act([interim])).toEqual(['DUPLICATE']);
    expect(await claimed(c.commentKey)).toEqual([]);
    const after = await totals();
    expect(after.opened - before.opened).toBe(1);
    expect(after.answered_in_time - before.answered_in_time).toBe(1);
    expect(after.open - before.open).toBe(0);
  });

  it('an INTERIM_REPLY on an answered or cancelled comment is IGNORED, counted nowhere', async () => {
    const now = await serverNow(redis);
    const c = openCommandOn(now, SHARDS);
    await store.apply([c, answerOf(c, now + 100)]);
    const before = await totals();
    expect(await store.act([actionOn(c, 'INTERIM_REPLY', now + 200)])).toEqual(['IGNORED']);
    expect(await totals()).toEqual(before);
  });

  it('the kinds not applied yet are kept once in the appeal log, with its retention, and change no counter', async () => {
    const now = await serverNow(redis);
    const c = openCommandOn(now, SHARDS);
    await store.apply([c]);
    const before = await totals();
    const paused = actionOn(c, 'PAUSED', now + 100, { pause_reason: 'WAITING_FOR_CITIZEN' });
    const resolved = actionOn(c, 'RESOLVED', now + 300);
    const resumed = actionOn(c, 'RESUMED', now + 200);
    expect(await store.act([paused, resolved, paused, resumed])).toEqual([
      'KEPT',
      'KEPT',
      'DUPLICATE',
      'KEPT',
    ]);
    expect(await totals()).toEqual(before);
    const kept = await store.keptActions(c.shard, c.commentKey);
    expect(kept.map((a) => a.kind)).toEqual(['PAUSED', 'RESUMED', 'RESOLVED']);
    expect(kept[0]).toEqual(paused.action);
    const ttl = await redis.pttl(store.keys.actions(c.shard, c.commentKey));
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { SlaReader } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { epochDayOf } from '../../../../services/core/sla/counters.js';
import { isolatedStack } from '../../../support/fixture.js';
import { answerOf, cancelOf, openCommand, serverNow } from './helpers.js';

const SHARDS = 4;
let redis: Redis;
let basePrefix: string;

beforeAll(() => {
  const stack = isolatedStack('sla-read');
  redis = stack.redis();
  basePrefix = stack.env.OTKLIK_KEY_PREFIX as string;
});
afterAll(() => redis.disconnect());

/** A store and a reader of their own key prefix, so each test starts from zero. */
function fresh() {
  const prefix = `${basePrefix}:${randomBytes(3).toString('hex')}`;
  return {
    store: new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 60_000 }),
    reader: new SlaReader(redis, { prefix, shards: SHARDS }),
  };
}

async function claimAndAckAll(store: SlaStore) {
  const results = await store.claimDueMany([0, 1, 2, 3], 1000, 30_000);
  const alerts = results.flatMap((r) => r.alerts);
  await store.ackAlerts(alerts);
  return alerts;
}

describe('SLA read API on real Redis', () => {
  it('sums counters over shards with breakdowns by region, category and priority, today and overall', async () => {
    const { store, reader } = fresh();
    const now = await serverNow(redis);
    const open = (o: Parameters<typeof openCommand>[2]) => openCommand(now, SHARDS, o);
    const a = open({ region: '54', category: 'housing_utilities', priority: 'critical' });
    const b = open({ region: '54', category: 'roads_transport', priority: 'normal', dueAt: now + 600_000 });
    const c = open({ region: '77', category: 'healthcare', priority: 'high' });
    const d = open({ region: '77', category: 'healthcare', priority: 'high' });
    const e = open({ region: '02', category: 'education', priority: 'low' });
    expect(await store.apply([a, b, c, d, e])).toEqual(Array(5).fill('OPENED'));
    await store.apply([
      answerOf(a, now + 20 * 60_000), // late (due in a minute), 20 minutes to reply
      answerOf(b, now + 5 * 60_000), // in time, 5 minutes
      answerOf(c, now + 1_000), // in time, 1 second
      cancelOf(d),
      {
        kind: 'notActionable',
        commentKey: 'VK:thanks-1',
        shard: 1,
        region: '54',
        category: 'other',
        priority: 'low',
      },
    ]);

    const counters = await reader.counters();
    expect(counters.totals).toMatchObject({
      opened: 5,
      open: 1,
      answered_in_time: 2,
      answered_late: 1,
      cancelled: 1,
      not_actionable: 1,
    });
    expect(counters.byRegion['54']).toMatchObject({
      opened: 2,
      answered_in_time: 1,
      answered_late: 1,
      not_actionable: 1,
    });
    expect(counters.byRegion['77']).toMatchObject({ opened: 2, answered_in_time: 1, cancelled: 1, open: 0 });
    expect(counters.byRegion['02']).toMatchObject({ opened: 1, open: 1 });
    expect(counters.byCategory.healthcare).toMatchObject({ opened: 2, cancelled: 1 });
    expect(counters.byPriority.low).toMatchObject({ opened: 1, open: 1, not_actionable: 1 });

    const today = await reader.daily(epochDayOf(now));
    expect(today.totals).toMatchObject({ opened: 5, answered_in_time: 2, answered_late: 1, cancelled: 1 });
    // `open` is a level, not a flow: it has no daily bucket.
    expect(today.totals.open).toBe(0);
    expect((await reader.daily(epochDayOf(now) - 1)).rows).toEqual([]);

    expect(await reader.compliance()).toEqual({
      today: { answeredInTime: 2, answeredLate: 1, ratio: 2 / 3 },
      overall: { answeredInTime: 2, answeredLate: 1, ratio: 2 / 3 },
    });

    const rt = await reader.responseTimes();
    expect(rt.critical?.count).toBe(1);
    expect(rt.critical?.buckets.find((x) => x.count > 0)?.leMinutes).toBe(30);
    expect(rt.critical?.sumMs).toBe(20 * 60_000);
    expect(rt.normal?.buckets.find((x) => x.count > 0)?.leMinutes).toBe(15);
    expect(rt.high?.count).toBe(1);
    expect(rt.low).toBeUndefined();
  });

  it('lists the oldest overdue comments first, claimed or not, with what the board shows', async () => {
    const { store, reader } = fresh();
    const now = await serverNow(redis);
    const overdue = (minutes: number, extra: Parameters<typeof openCommand>[2] = {}) =>
      openCommand(now, SHARDS, {
        postedAt: now - (minutes + 60) * 60_000,
        warnAt: now - (minutes + 15) * 60_000,
        dueAt: now - minutes * 60_000,
        escalationIntervalMs: 3_600_000,
        maxEscalationLevel: 1,
        ...extra,
      });
    const oldest = overdue(50, {
      pageId: 'club-42',
      region: '25',
      municipality: '05701000',
      category: 'urban_improvement',
      priority: 'high',
      excerpt: 'Во дворе не вывозят мусор',
      url: 'https://vk.com/wall-42_7?reply=9',
      threadId: 'wall-42_7',
    });
    const middle = overdue(30, { maxEscalationLevel: 0 });
    const recent = overdue(10);
    const answered = overdue(40);
    const future = openCommand(now, SHARDS, { warnAt: now + 10 * 60_000, dueAt: now + 20 * 60_000 });
    const later = openCommand(now, SHARDS, { warnAt: now + 90 * 60_000, dueAt: now + 120 * 60_000 });
    await store.apply([oldest, middle, recent, answered, future, later]);

    // The sweeper fires the BREACHes of two of them (claimed and acked); `recent` is still unclaimed.
    const claimed = (await store.claimDueMany([0, 1, 2, 3], 1000, 30_000))
      .flatMap((r) => r.alerts)
      .filter((x) => x.commentKey === oldest.commentKey || x.commentKey === middle.commentKey);
    expect(claimed.map((x) => x.kind)).toEqual(['BREACH', 'BREACH']);
    await store.ackAlerts(claimed);
    await store.apply([answerOf(answered, now)]);

    const deadlines = await reader.deadlines({ limit: 10 });
    expect(deadlines.overdue.map((o) => o.commentKey)).toEqual([
      oldest.commentKey,
      middle.commentKey,
      recent.commentKey,
    ]);
    expect(deadlines.dueWithin).toBe(1);
    expect(deadlines.truncated).toBe(false);
    const first = deadlines.overdue[0];
    expect(first).toEqual({
      commentKey: oldest.commentKey,
      target: 'FIRST_REPLY',
      platform: 'VK',
      commentId: oldest.commentId,
      threadId: 'wall-42_7',
      pageId: 'club-42',
      region: '25',
      municipality: '05701000',
      category: 'urban_improvement',
      priority: 'high',
      excerpt: 'Во дворе не вывозят мусор',
      url: 'https://vk.com/wall-42_7?reply=9',
      postedAt: oldest.postedAt,
      dueAt: oldest.dueAt,
      lateMs: deadlines.now - oldest.dueAt,
      nextAlert: { kind: 'ESCALATION', level: 1 },
    });
    expect(first?.lateMs).toBeGreaterThanOrEqual(50 * 60_000);
    expect(deadlines.overdue[1]?.nextAlert).toBeNull();
    expect(deadlines.overdue[2]?.nextAlert).toEqual({ kind: 'BREACH', level: 0 });

    expect((await reader.deadlines({ limit: 2 })).overdue.map((o) => o.commentKey)).toEqual([
      oldest.commentKey,
      middle.commentKey,
    ]);
    expect((await reader.deadlines({ horizonMs: 3 * 3_600_000 })).dueWithin).toBe(2);

    const board = await reader.board();
    expect(board.counters.totals).toMatchObject({ opened: 6, open: 5, breached: 2, answered_late: 1 });
    expect(board.compliance.overall.ratio).toBe(0);
    expect(board.deadlines.overdue).toHaveLength(3);
  });

  it('counts a leased WARNING whose comment falls due within the hour, and nothing once answered', async () => {
    const { store, reader } = fresh();
    const now = await serverNow(redis);
    const c = openCommand(now, SHARDS, { warnAt: now - 1, dueAt: now + 30 * 60_000 });
    await store.apply([c]);
    expect((await store.claimDue(c.shard, 10, 30_000)).alerts.map((a) => a.kind)).toEqual(['WARNING']);
    expect((await reader.deadlines()).dueWithin).toBe(1);
    await store.apply([answerOf(c, now)]);
    expect(await reader.deadlines()).toMatchObject({ dueWithin: 0, overdue: [] });
    expect(await claimAndAckAll(store)).toEqual([]);
  });
});

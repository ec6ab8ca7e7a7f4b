import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { readCounterRows } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { totalsOf } from '../../../../services/core/sla/counters.js';
import type { OpenSlaCommand, SlaCommand } from '../../../../services/core/sla/commands.js';
import { isolatedStack } from '../../../support/fixture.js';
import { openCommand as openCommandOn } from './helpers.js';

const SHARDS = 4;
let redis: Redis;
let store: SlaStore;
let serverNow: () => Promise<number>;

beforeAll(() => {
  const stack = isolatedStack('sla-store');
  redis = stack.redis();
  store = new SlaStore(redis, {
    prefix: stack.env.OTKLIK_KEY_PREFIX as string,
    shards: SHARDS,
    retentionMs: 60_000,
  });
  serverNow = async () => {
    const [s, us] = await redis.time();
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  };
});
afterAll(() => redis.disconnect());

const openCommand = (now: number, overrides: Partial<OpenSlaCommand> = {}): OpenSlaCommand =>
  openCommandOn(now, SHARDS, overrides);
const answer = (c: OpenSlaCommand, answeredAt: number): SlaCommand => ({
  kind: 'answer',
  commentKey: c.commentKey,
  shard: c.shard,
  answeredAt,
});
const cancel = (c: OpenSlaCommand): SlaCommand => ({
  kind: 'cancel',
  commentKey: c.commentKey,
  shard: c.shard,
});
const totals = async () => totalsOf(await readCounterRows(redis, store.keys, SHARDS));

async function claimAll(leaseMs = 30_000) {
  const out = [];
  for (let s = 0; s < SHARDS; s++) out.push(...(await store.claimDue(s, 1000, leaseMs)).alerts);
  return out;
}

describe('SLA scripts on real Redis', () => {
  it('opens once, answers once, and counts each transition once however often it is replayed', async () => {
    const before = await totals();
    const now = await serverNow();
    const c = openCommand(now);
    expect(await store.apply([c, c])).toEqual(['OPENED', 'DUPLICATE']);
    expect(await store.apply([answer(c, now + 1000), answer(c, now + 2000)])).toEqual([
      'ANSWERED',
      'DUPLICATE',
    ]);
    expect(await store.apply([c])).toEqual(['DUPLICATE']);
    const after = await totals();
    expect(after.opened - before.opened).toBe(1);
    expect(after.answered_in_time - before.answered_in_time).toBe(1);
    expect(after.open - before.open).toBe(0);
  });

  it('a reply before its comment makes the comment arrive already answered; no alert ever fires', async () => {
    const now = await serverNow();
    const c = openCommand(now, { warnAt: now - 2000, dueAt: now - 1000, postedAt: now - 5000 });
    expect(await store.apply([answer(c, now - 1500)])).toEqual(['ANSWERED_EARLY']);
    expect(await store.apply([c])).toEqual(['ANSWERED_BEFORE']);
    const claimed = await claimAll();
    expect(claimed.filter((a) => a.commentKey === c.commentKey)).toEqual([]);
  });

  it('a delete before its comment makes the comment arrive cancelled', async () => {
    const before = await totals();
    const now = await serverNow();
    const c = openCommand(now);
    expect(await store.apply([cancel(c), c, cancel(c)])).toEqual([
      'DELETED_EARLY',
      'DELETED_BEFORE',
      'DUPLICATE',
    ]);
    const after = await totals();
    expect(after.cancelled - before.cancelled).toBe(1);
    expect(after.open - before.open).toBe(0);
  });

  it('a comment that needs no reply is counted once even when its reply or delete came first', async () => {
    const before = await totals();
    const now = await serverNow();
    const replied = openCommand(now);
    const deleted = openCommand(now);
    const na = (c: OpenSlaCommand): SlaCommand => ({
      kind: 'notActionable',
      commentKey: c.commentKey,
      shard: c.shard,
      region: c.region,
      category: c.category,
      priority: c.priority,
    });
    expect(await store.apply([answer(replied, now), cancel(deleted)])).toEqual([
      'ANSWERED_EARLY',
      'DELETED_EARLY',
    ]);
    expect(await store.apply([na(replied), na(deleted), na(replied), answer(replied, now)])).toEqual([
      'RECORDED',
      'RECORDED',
      'DUPLICATE',
      'DUPLICATE',
    ]);
    const after = await totals();
    expect(after.not_actionable - before.not_actionable).toBe(2);
    expect(after.opened - before.opened).toBe(0);
  });

  it('a comment that arrives overdue gets its BREACH at once, then escalations up to the maximum level', async () => {
    const now = await serverNow();
    const c = openCommand(now, {
      postedAt: now - 10_000,
      warnAt: now - 5_000,
      dueAt: now - 1_000,
      escalationIntervalMs: 200,
      maxEscalationLevel: 2,
    });
    await store.apply([c]);
    const seen: string[] = [];
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && seen.length < 3) {
      const mine = (await claimAll()).filter((a) => a.commentKey === c.commentKey);
      for (const a of mine) seen.push(`${a.kind}:${a.level}`);
      await store.ackAlerts(mine);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toEqual(['BREACH:0', 'ESCALATION:1', 'ESCALATION:2']);
    await new Promise((r) => setTimeout(r, 300));
    expect((await claimAll()).filter((a) => a.commentKey === c.commentKey)).toEqual([]);
  });

  it('a claimed alert is invisible to other sweepers until its lease expires, then handed out again', async () => {
    const now = await serverNow();
    const c = openCommand(now, { warnAt: now - 10, dueAt: now + 60_000 });
    await store.apply([c]);
    const first = (await claimAll(300)).filter((a) => a.commentKey === c.commentKey);
    expect(first.map((a) => a.kind)).toEqual(['WARNING']);
    expect((await claimAll(300)).filter((a) => a.commentKey === c.commentKey)).toEqual([]);
    await new Promise((r) => setTimeout(r, 400));
    const again = (await claimAll(300)).filter((a) => a.commentKey === c.commentKey);
    expect(again.map((a) => `${a.kind}:${a.level}`)).toEqual(['WARNING:0']);
    expect(await store.ackAlerts([...again, ...first])).toEqual([true, false]);
  });

  it('an answer while an alert is leased makes the late ack stale and stops further alerts', async () => {
    const now = await serverNow();
    const c = openCommand(now, { postedAt: now - 5000, warnAt: now - 2000, dueAt: now - 1 });
    await store.apply([c]);
    const claimed = (await claimAll()).filter((a) => a.commentKey === c.commentKey);
    expect(claimed).toHaveLength(1);
    expect(await store.apply([answer(c, now)])).toEqual(['ANSWERED']);
    expect(await store.ackAlerts(claimed)).toEqual([false]);
  });

  it('five concurrent sweepers over 10,000 due items claim each (comment, kind, level) exactly once', async () => {
    const now = await serverNow();
    const commands = Array.from({ length: 10_000 }, () =>
      openCommand(now, {
        postedAt: now - 10_000,
        warnAt: now - 5_000,
        dueAt: now - 1,
        maxEscalationLevel: 0,
      }),
    );
    for (let i = 0; i < commands.length; i += 1000) await store.apply(commands.slice(i, i + 1000));
    const mine = new Set(commands.map((c) => c.commentKey));
    const claims: string[] = [];
    const sweeper = async () => {
      for (let idle = 0; idle < 3;) {
        let got = 0;
        for (let s = 0; s < SHARDS; s++) {
          const { alerts } = await store.claimDue(s, 200, 60_000);
          const ours = alerts.filter((a) => mine.has(a.commentKey));
          claims.push(...ours.map((a) => `${a.commentKey}|${a.kind}|${a.level}`));
          await store.ackAlerts(alerts);
          got += alerts.length;
        }
        idle = got === 0 ? idle + 1 : 0;
      }
    };
    await Promise.all(Array.from({ length: 5 }, sweeper));
    expect(claims.length).toBe(10_000);
    expect(new Set(claims).size).toBe(10_000);
    expect(claims.every((c) => c.endsWith('|BREACH|0'))).toBe(true);
  });
});

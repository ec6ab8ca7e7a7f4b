/**
 * The `overdue` gauge (per-shard `cnt` field `overdue|<region>|<category>|<priority>`) against what it
 * counts: the members of the late wheels, per region, category and priority. Comments across cells fall
 * overdue, their BREACH is claimed (twice, a sweeper dying in between), acked, some are answered or
 * deleted, and every step is replayed: the gauge must equal the late wheels' membership after each, and
 * a replay must move no counter at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import type { OpenSlaCommand, SlaCommand } from '../../../../services/core/sla/commands.js';
import { shardOf } from '../../../../services/core/sla/shard.js';
import { isolatedStack } from '../../../support/fixture.js';
import { wheelMembers } from './helpers.js';
import { readCounterHash } from '../../../../services/adapters/redis/reader/sla-reader.js';

const SHARDS = 4;
const HOUR = 3_600_000;
const REGIONS = ['54', '77', '66'];
const CATEGORIES = ['housing_utilities', 'roads_transport'] as const;
const PRIORITIES = ['critical', 'normal'] as const;

const stack = isolatedStack('overdue-gauge');
let redis: Redis;
let store: SlaStore;

beforeAll(() => {
  redis = stack.redis();
  store = new SlaStore(redis, {
    prefix: stack.env.OTKLIK_KEY_PREFIX as string,
    shards: SHARDS,
    retentionMs: HOUR,
  });
});
afterAll(async () => {
  // Leave the shared Redis as we found it.
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${stack.env.OTKLIK_KEY_PREFIX}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
});

const serverNow = async () => {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
};
const dimOf = (c: OpenSlaCommand) => `${c.region}|${c.category}|${c.priority}`;

/** `overdue` gauge fields summed over the shards, zeros left out. */
async function gauges(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let shard = 0; shard < SHARDS; shard++) {
    for (const [field, value] of Object.entries(await readCounterHash(redis, store.keys, shard))) {
      if (!field.startsWith('overdue|')) continue;
      const dim = field.slice('overdue|'.length);
      out[dim] = (out[dim] ?? 0) + Number(value);
    }
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== 0));
}

/** Members of every shard's late wheel (index -> slots), counted per dimension via the opened commands. */
async function lateMembership(byKey: Map<string, OpenSlaCommand>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let shard = 0; shard < SHARDS; shard++) {
    for (const member of await wheelMembers(redis, store.keys.late(shard))) {
      const c = byKey.get(member);
      if (!c) throw new Error(`unknown member ${member} in the late wheel`);
      out[dimOf(c)] = (out[dimOf(c)] ?? 0) + 1;
    }
  }
  return out;
}

async function allCounters(): Promise<Record<string, string>[]> {
  return Promise.all(Array.from({ length: SHARDS }, (_, s) => readCounterHash(redis, store.keys, s)));
}

async function claimAll(leaseMs: number) {
  const results = await store.claimDueMany(
    Array.from({ length: SHARDS }, (_, s) => s),
    1_000,
    leaseMs,
  );
  return results.flatMap((r) => r.alerts);
}

describe('overdue gauge', () => {
  it('equals the late wheels per region, category and priority through claims, acks, answers and replays', async () => {
    const now = await serverNow();
    const opens: OpenSlaCommand[] = [];
    for (let i = 0; i < 48; i++) {
      const commentId = `og${i}-${Math.random().toString(36).slice(2, 8)}`;
      const commentKey = `VK:${commentId}`;
      // Two in three are past due (they open straight at their BREACH); the rest are due in a day.
      const overdue = i % 3 !== 2;
      const postedAt = overdue ? now - 3 * HOUR - i * 1000 : now;
      const dueAt = overdue ? postedAt + HOUR : now + 24 * HOUR;
      opens.push({
        kind: 'open',
        commentKey,
        shard: shardOf(commentKey, SHARDS),
        platform: 'VK',
        commentId,
        threadId: 't1',
        pageId: 'page-1',
        region: REGIONS[i % REGIONS.length]!,
        municipality: null,
        category: CATEGORIES[Math.floor(i / 3) % CATEGORIES.length]!,
        priority: PRIORITIES[Math.floor(i / 6) % PRIORITIES.length]!,
        postedAt,
        warnAt: dueAt - 10 * 60_000,
        dueAt,
        policyId: 'test',
        // Escalations far apart: after the BREACH nothing else falls due during the test.
        escalationIntervalMs: 24 * HOUR,
        maxEscalationLevel: 2,
        excerpt: 'Нет горячей воды',
        url: null,
      });
    }
    const byKey = new Map(opens.map((c) => [c.commentKey, c]));
    const expectedAfterClaim: Record<string, number> = {};
    for (const c of opens) {
      if (c.dueAt <= now) expectedAfterClaim[dimOf(c)] = (expectedAfterClaim[dimOf(c)] ?? 0) + 1;
    }
    expect(Object.keys(expectedAfterClaim).length).toBeGreaterThan(6);

    await store.apply(opens);
    expect(await gauges()).toEqual({});
    expect(await lateMembership(byKey)).toEqual({});

    // Claimed: every BREACH enters the late wheel; the sweeper dies before its ack.
    const first = await claimAll(1);
    expect(first.filter((a) => a.kind === 'BREACH')).toHaveLength(32);
    expect(await lateMembership(byKey)).toEqual(expectedAfterClaim);
    expect(await gauges()).toEqual(expectedAfterClaim);

    // The lease expired: the same BREACHes are handed out again, and counted once.
    await new Promise((r) => setTimeout(r, 20));
    const again = await claimAll(60_000);
    expect(again.map((a) => a.commentKey).sort()).toEqual(first.map((a) => a.commentKey).sort());
    expect(await gauges()).toEqual(expectedAfterClaim);

    // Acked (and acked twice): the comments stay overdue, in the late wheel, counted once.
    await store.ackAlerts(again);
    await store.ackAlerts(again);
    expect(await lateMembership(byKey)).toEqual(expectedAfterClaim);
    expect(await gauges()).toEqual(expectedAfterClaim);

    // Answer or delete half of the overdue ones and two that are not overdue.
    const overdue = opens.filter((c) => c.dueAt <= now);
    const notOverdue = opens.filter((c) => c.dueAt > now);
    const closing: SlaCommand[] = [
      ...overdue
        .filter((_, i) => i % 2 === 0)
        .map((c, i): SlaCommand =>
          i % 3 === 0
            ? { kind: 'cancel', commentKey: c.commentKey, shard: c.shard }
            : { kind: 'answer', commentKey: c.commentKey, shard: c.shard, answeredAt: now },
        ),
      ...notOverdue.slice(0, 2).map((c): SlaCommand => ({
        kind: 'answer',
        commentKey: c.commentKey,
        shard: c.shard,
        answeredAt: now,
      })),
    ];
    await store.apply(closing);
    const expectedAfterClose: Record<string, number> = {};
    for (const [i, c] of overdue.entries()) {
      if (i % 2 === 1) expectedAfterClose[dimOf(c)] = (expectedAfterClose[dimOf(c)] ?? 0) + 1;
    }
    expect(await lateMembership(byKey)).toEqual(expectedAfterClose);
    expect(await gauges()).toEqual(expectedAfterClose);

    // Replays of every event: nothing moves, no counter at all.
    const before = await allCounters();
    const outcomes = await store.apply([...opens, ...closing]);
    expect(outcomes.every((o) => o === 'DUPLICATE')).toBe(true);
    await store.ackAlerts(again);
    expect(await claimAll(60_000)).toEqual([]);
    expect(await allCounters()).toEqual(before);
    expect(await lateMembership(byKey)).toEqual(expectedAfterClose);
    expect(await gauges()).toEqual(expectedAfterClose);
  });
});

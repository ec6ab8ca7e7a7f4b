import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MAX_TRANSITIONS_PER_CALL, SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import type { OpenSlaCommand, SlaCommand } from '../../../../services/core/sla/commands.js';
import { answerOf, cancelOf, openCommand, serverNow } from './helpers.js';
import { packTransitions } from '../../../../services/adapters/redis/store/transition-packing.js';
import { loadLuaScript } from '../../../../services/adapters/redis/lua-loader.js';
import { addTotalsString } from '../../../../services/adapters/redis/counter-positions.js';

/**
 * SlaStore.apply sends one apply_batch call per shard: a batch that opens, answers, cancels and repeats
 * transitions of the same comments within one call must give the outcomes, counters, markers and
 * records that applying the same commands one call at a time gives.
 */
const SHARDS = 3;
let redis: Redis;
const prefixes: string[] = [];

let sha: string;

beforeAll(async () => {
  redis = new Redis(inject('redisUrl'));
  sha = (await redis.script('LOAD', loadLuaScript('apply_batch'))) as string;
});
afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
});

function newStore(): SlaStore {
  const prefix = `test:batch:${randomBytes(4).toString('hex')}`;
  prefixes.push(prefix);
  return new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 600_000 });
}

/**
 * Every key of the store with its contents, the store's own prefix cut off, finished markers' TTLs left
 * out, and the wheels' bookkeeping too: the add counts (`dn`, `ln`) and the minute indexes (`dx`, `lx`).
 * A batch reserves its opens' adds per minute up front, so a duplicate within it leaves a hole in a slot
 * and the count ahead, and a minute whose members the same batch closes again stays in the index until a
 * claim reaches it and finds it empty (lua/includes/wheel.lua); which of these happens depends on where
 * the server's clock falls between the two stores' calls (seen on a loaded machine). The slots' members,
 * which the counts and indexes only address, are compared.
 */
async function dump(store: SlaStore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of (await redis.keys(`${store.options.prefix}:*`)).sort()) {
    const name = key.slice(store.options.prefix.length);
    if (/:[dl][nx]$/.test(name)) continue;
    const type = await redis.type(key);
    if (type === 'hash') {
      const fields = Object.entries(await redis.hgetall(key)).filter(([, v]) => v !== '0');
      out[name] = Object.fromEntries(fields.sort());
    } else if (type === 'zset') out[name] = await redis.zrange(key, 0, -1, 'WITHSCORES');
    else out[name] = await redis.get(key);
  }
  return out;
}

describe('SlaStore.apply in batches', () => {
  it('a batch mixing transitions and duplicates of the same comments equals applying them one by one', async () => {
    const now = await serverNow(redis);
    const comments = Array.from({ length: 12 }, (_, i) =>
      openCommand(now, SHARDS, {
        commentId: `batch-${i}`,
        postedAt: now - i * 7_000,
        warnAt: now - i * 7_000 + 30_000,
        dueAt: now - i * 7_000 + 60_000,
        priority: i % 2 ? 'normal' : 'critical',
        excerpt: `Комментарий номер ${i}: нет воды…`,
        url: `https://vk.com/wall-1_2?reply=batch-${i}`,
      }),
    );
    const [a, b, c, d, e, f, g, h, i, j, k] = comments.map((_, n) => comments[n] as OpenSlaCommand) as [
      OpenSlaCommand,
      OpenSlaCommand,
      OpenSlaCommand,
      OpenSlaCommand,
      OpenSlaCommand,
      OpenSlaCommand,
      OpenSlaCommand,
      OpenSlaCommand,
      OpenSlaCommand,
      OpenSlaCommand,
      OpenSlaCommand,
    ];
    const commands: SlaCommand[] = [
      ...comments.slice(0, 8),
      answerOf(a, now + 1_000), // answered in time
      answerOf(a, now + 2_000), // duplicate
      a, // the comment again (redelivery): duplicate
      cancelOf(b),
      b, // after its cancel: duplicate
      answerOf(c, now + 90_000), // answered late
      answerOf(i, now), // reply before the comment
      i, // arrives answered
      cancelOf(j), // delete before the comment
      j, // arrives cancelled
      {
        kind: 'notActionable',
        commentKey: d.commentKey,
        shard: d.shard,
        region: '54',
        category: 'other',
        priority: 'low',
      },
      {
        kind: 'notActionable',
        commentKey: 'VK:na-1',
        shard: 0,
        region: '54',
        category: 'other',
        priority: 'low',
      },
      {
        kind: 'notActionable',
        commentKey: 'VK:na-1',
        shard: 0,
        region: '54',
        category: 'other',
        priority: 'low',
      },
      cancelOf(e),
      answerOf(e, now),
      answerOf(f, now + 5_000),
      cancelOf(f),
      g,
      h,
      k,
      k,
    ];

    const oneByOne = newStore();
    const expected: string[] = [];
    for (const command of commands) expected.push(...(await oneByOne.apply([command])));
    const batched = newStore();
    const outcomes = await batched.apply(commands);

    expect(outcomes).toEqual(expected);
    // Not trivially equal: the batch holds every kind of outcome.
    expect(new Set(outcomes)).toEqual(
      new Set([
        'OPENED',
        'ANSWERED',
        'DUPLICATE',
        'CANCELLED',
        'ANSWERED_EARLY',
        'ANSWERED_BEFORE',
        'DELETED_EARLY',
        'DELETED_BEFORE',
        'RECORDED',
      ]),
    );
    expect(await dump(batched)).toEqual(await dump(oneByOne));
  });

  it('splits a shard with more transitions than one call takes, keeping their order', async () => {
    const now = await serverNow(redis);
    const store = newStore();
    const opens = Array.from({ length: MAX_TRANSITIONS_PER_CALL + 50 }, (_, i) =>
      openCommand(now, 1, { commentId: `many-${i}`, shard: 0 }),
    );
    const commands: SlaCommand[] = [...opens, ...opens.map((o) => answerOf(o, now)), ...opens];
    const outcomes = await store.apply(commands);
    expect(outcomes).toEqual([
      ...opens.map(() => 'OPENED'),
      ...opens.map(() => 'ANSWERED'),
      ...opens.map(() => 'DUPLICATE'),
    ]);
  });

  it('hands every claimed alert its record fields back as they were given', async () => {
    const now = await serverNow(redis);
    const store = newStore();
    const open = openCommand(now - 120_000, SHARDS, {
      commentId: '987654321',
      threadId: '-481516_4711',
      pageId: 'club481516',
      municipality: '50701000',
      excerpt: 'Когда починят лифт? Third week 😡 «срочно» № 5',
      url: 'https://vk.com/wall-481516_4711?reply=987654321',
    });
    expect(await store.apply([open])).toEqual(['OPENED']);
    const { alerts } = await store.claimDue(open.shard, 10, 60_000);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      commentKey: open.commentKey,
      kind: 'BREACH',
      threadId: open.threadId,
      pageId: open.pageId,
      municipality: open.municipality,
      excerpt: open.excerpt,
      url: open.url,
      postedAt: open.postedAt,
      dueAt: open.dueAt,
      category: open.category,
      priority: open.priority,
      region: open.region,
    });
  });

  it('counts an open by the position the client sends, and in the hash fields when its dimension has none', async () => {
    const now = await serverNow(redis);
    const store = newStore();
    const k = store.keys;
    // Region '54' has a counter position; '90' (beyond the 89 regions) and 'x1' have none.
    const opens = ['54', '90', 'x1'].map((region, i) =>
      openCommand(now, SHARDS, {
        commentId: `pos-${i}`,
        shard: 0,
        region,
        warnAt: now + 3_600_000,
        dueAt: now + 7_200_000,
      }),
    );
    expect(await store.apply([...opens, cancelOf(opens[2] as OpenSlaCommand)])).toEqual([
      'OPENED',
      'OPENED',
      'OPENED',
      'CANCELLED',
    ]);
    const totals = addTotalsString(
      await redis.hgetall(k.counters(0)),
      await redis.getBuffer(k.counterBits(0)),
    );
    const dim = (region: string) => `${region}|housing_utilities|critical`;
    expect(totals[`opened|${dim('54')}`]).toBe('1');
    expect(totals[`open|${dim('54')}`]).toBe('1');
    expect(totals[`opened|${dim('90')}`]).toBe('1');
    expect(totals[`open|${dim('90')}`]).toBe('1');
    expect(totals[`opened|${dim('x1')}`]).toBe('1');
    expect(Number(totals[`open|${dim('x1')}`] ?? 0)).toBe(0);
    expect(totals[`cancelled|${dim('x1')}`]).toBe('1');
    // The hash fields hold exactly the dimensions without a position.
    const fields = Object.entries(await redis.hgetall(k.counters(0))).filter(([, v]) => v !== '0');
    expect(fields.map(([f]) => f).sort()).toEqual(
      [`cancelled|${dim('x1')}`, `open|${dim('90')}`, `opened|${dim('90')}`, `opened|${dim('x1')}`].sort(),
    );
  });

  it('refuses a malformed packed batch whole: nothing of it is applied', async () => {
    const now = await serverNow(redis);
    const store = newStore();
    const opens = [0, 1].map((i) => openCommand(now, 1, { commentId: `packed-${i}`, shard: 0 }));
    const packed = packTransitions(opens);
    const k = store.keys;
    const call = (transitions: Buffer) =>
      redis.evalsha(
        sha,
        5,
        k.due(0),
        k.late(0),
        k.lease(0),
        k.counters(0),
        k.daily(0),
        k.recordPrefix(0),
        k.finishedPrefix(0),
        '600000',
        transitions,
      );
    // Cut inside the second transition's last field; then an unknown op letter after a whole one.
    await expect(call(packed.subarray(0, packed.length - 3))).rejects.toThrow(/malformed transition/);
    await expect(call(Buffer.concat([packed, Buffer.from('x')]))).rejects.toThrow(/malformed transition/);
    expect(await redis.keys(`${store.options.prefix}:*`)).toEqual([]);
    // The whole batch goes through and answers one letter per transition.
    expect(await call(packed)).toBe('OO');
    expect(await call(packed)).toBe('==');
  });
});

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../services/apps/cli/main.js';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { SlaReader } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { assertLayoutVersion } from '../../../../services/adapters/redis/redis-settings.js';
import { SlaStoreV1 } from '../../../../tools/harness/sla-layout-v1.js';
import { isolatedStack } from '../../../support/fixture.js';
import { answerOf, cancelOf, openCommand, serverNow } from '../../adapters/redis/helpers.js';
import { join } from 'node:path';
import type { SlaCommand } from '../../../../services/core/sla/commands.js';
import { loadLuaScript } from '../../../../services/adapters/redis/lua-loader.js';
import { packTransitions } from '../../../../services/adapters/redis/store/transition-packing.js';

/**
 * `otklik migrate-layout` on a keyspace written by the previous layout's scripts
 * (test/fixtures/sla-layout-v1): refused without --stopped, reported by --dry-run, converted with
 * --stopped; afterwards the roles' start check passes, the board's read sees every open comment and
 * every deadline fires, one that fell due before the migration included. The model-based test
 * (test/integration/adapters/redis/model-vs-redis.test.ts) checks the same on random histories.
 */
const SHARDS = 4;
let redis: Redis;
let stack: ReturnType<typeof isolatedStack>;

beforeAll(() => {
  stack = isolatedStack('migrate-layout', { OTKLIK_SHARDS: String(SHARDS) });
  redis = stack.redis();
});
afterAll(() => redis.disconnect());

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: stack.env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('otklik migrate-layout', () => {
  it('converts a v1 keyspace of a stopped system; every open deadline then fires', async () => {
    const prefix = stack.env.OTKLIK_KEY_PREFIX as string;
    const v1 = new SlaStoreV1(redis, { prefix, shards: SHARDS, retentionMs: 3_600_000 });
    const now = await serverNow(redis);
    // 300 comments: a third due two seconds ago (their BREACH falls due "while the system is stopped"),
    // a third in an hour, a third answered.
    const commands = Array.from({ length: 300 }, (_, i) =>
      openCommand(now, SHARDS, {
        postedAt: now - 600_000,
        warnAt: i % 3 === 0 ? now - 2_000 : now + 3_000_000,
        dueAt: i % 3 === 0 ? now - 2_000 : now + 3_600_000,
        maxEscalationLevel: 0,
      }),
    );
    expect(new Set(await v1.apply(commands))).toEqual(new Set(['OPENED']));
    await v1.apply(commands.filter((_, i) => i % 3 === 2).map((c) => answerOf(c, now)));

    const refused = await cli('migrate-layout');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('with --stopped');
    const dry = await cli('migrate-layout', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.err).toContain(`${SHARDS} v1`);
    await expect(assertLayoutVersion(redis, prefix, SHARDS)).rejects.toThrow('migrate-layout');

    const done = await cli('migrate-layout', '--stopped');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({ migrated: SHARDS, records: 200 });
    await expect(assertLayoutVersion(redis, prefix, SHARDS)).resolves.toBeUndefined();
    expect(JSON.parse((await cli('migrate-layout', '--stopped')).out)).toMatchObject({
      alreadyDone: SHARDS,
      records: 0,
    });

    const reader = new SlaReader(redis, { prefix, shards: SHARDS });
    const scan = await reader.deadlines({ limit: 1000 });
    expect(scan.overdue.map((o) => o.commentKey).sort()).toEqual(
      commands
        .filter((_, i) => i % 3 === 0)
        .map((c) => c.commentKey)
        .sort(),
    );
    expect((await reader.counters()).totals.open).toBe(200);

    const store = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 3_600_000 });
    const shards = Array.from({ length: SHARDS }, (_, s) => s);
    const due = (await store.claimDueMany(shards, 1000, 60_000)).flatMap((r) => r.alerts);
    expect(due.map((a) => `${a.commentKey}|${a.kind}`).sort()).toEqual(
      commands
        .filter((_, i) => i % 3 === 0)
        .map((c) => `${c.commentKey}|BREACH`)
        .sort(),
    );
    expect(await store.ackAlerts(due)).toEqual(due.map(() => true));
    // The ones due in an hour are scheduled in the v2 wheel: answering them closes them.
    const later = commands.filter((_, i) => i % 3 === 1);
    expect(new Set(await store.apply(later.map((c) => answerOf(c, now))))).toEqual(new Set(['ANSWERED']));
    expect((await reader.counters()).totals.open).toBe(100);
  });

  it('converts a v2 keyspace (open gauge in its own slot) to v3, counters and deadlines unchanged', async () => {
    const prefix = `${stack.env.OTKLIK_KEY_PREFIX as string}:from-v2`;
    const env = { ...stack.env, OTKLIK_KEY_PREFIX: prefix };
    const store = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 3_600_000 });
    // The v2 apply_batch (test/fixtures/sla-layout-v2); claim and ack did not change.
    redis.defineCommand('applyBatchV2', {
      numberOfKeys: 6,
      lua: loadLuaScript(
        'apply_batch',
        join(import.meta.dirname, '..', '..', '..', 'fixtures', 'sla-layout-v2'),
      ),
    });
    const applyV2 = async (commands: SlaCommand[]) => {
      const k = store.keys;
      for (let shard = 0; shard < SHARDS; shard++) {
        const mine = commands.filter((c) => c.shard === shard);
        if (mine.length === 0) continue;
        await (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>).applyBatchV2?.(
          k.due(shard),
          k.late(shard),
          k.lease(shard),
          k.counters(shard),
          k.daily(shard),
          k.soon(shard),
          k.recordPrefix(shard),
          k.finishedPrefix(shard),
          '3600000',
          packTransitions(mine),
        );
      }
    };
    const now = await serverNow(redis);
    // Positioned dimensions and one without a position (region 'zz', counted in the hash fields).
    const commands = Array.from({ length: 120 }, (_, i) =>
      openCommand(now, SHARDS, {
        region: i % 10 === 0 ? 'zz' : String(1 + (i % 7)).padStart(2, '0'),
        postedAt: now - 600_000,
        warnAt: i % 4 === 0 ? now - 2_000 : now + 3_000_000,
        dueAt: i % 4 === 0 ? now - 2_000 : now + 3_600_000,
        maxEscalationLevel: 0,
      }),
    );
    // A third answered, some cancelled, ten answered before they arrive.
    const history: SlaCommand[][] = [
      commands.slice(100).map((c) => answerOf(c, now)),
      commands,
      commands.filter((_, i) => i % 3 === 1 && i < 100).map((c) => answerOf(c, now)),
      commands.filter((_, i) => i % 5 === 2 && i < 100).map(cancelOf),
    ];
    for (const step of history) await applyV2(step);
    await Promise.all(Array.from({ length: SHARDS }, (_, s) => redis.set(store.keys.layoutVersion(s), '2')));
    const expectedOpen = 100 - commands.filter((_, i) => i < 100 && (i % 3 === 1 || i % 5 === 2)).length;

    await expect(assertLayoutVersion(redis, prefix, SHARDS)).rejects.toThrow('layout v2');
    const run = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    expect((await run('migrate-layout', '--dry-run')).err).toContain(`${SHARDS} v2`);
    expect(JSON.parse((await run('migrate-layout', '--stopped')).out)).toMatchObject({ migrated: SHARDS });
    await expect(assertLayoutVersion(redis, prefix, SHARDS)).resolves.toBeUndefined();
    expect(JSON.parse((await run('migrate-layout', '--stopped')).out)).toMatchObject({ alreadyDone: SHARDS });

    // The same history applied by the current scripts on a fresh prefix reads the same.
    const refPrefix = `${prefix}:ref`;
    const ref = new SlaStore(redis, { prefix: refPrefix, shards: SHARDS, retentionMs: 3_600_000 });
    for (const step of history) await ref.apply(step);
    const reader = new SlaReader(redis, { prefix, shards: SHARDS });
    const refReader = new SlaReader(redis, { prefix: refPrefix, shards: SHARDS });
    const counters = await reader.counters();
    expect(counters.totals.open).toBe(expectedOpen);
    expect(counters).toEqual(await refReader.counters());
    const sorted = (rows: { metric: string; region: string; category: string; priority: string }[]) =>
      rows.map((r) => JSON.stringify(r)).sort();
    expect(sorted(await reader.gaugeRows())).toEqual(sorted(await refReader.gaugeRows()));

    // Every open deadline is still scheduled: the overdue ones fire, the rest close.
    const shards = Array.from({ length: SHARDS }, (_, s) => s);
    const due = (await store.claimDueMany(shards, 1000, 60_000)).flatMap((r) => r.alerts);
    const open = commands.filter((_, i) => i < 100 && i % 3 !== 1 && i % 5 !== 2);
    expect(due.map((a) => a.commentKey).sort()).toEqual(
      open
        .filter((c) => c.dueAt < now)
        .map((c) => c.commentKey)
        .sort(),
    );
    expect(await store.ackAlerts(due)).toEqual(due.map(() => true));
    expect(new Set(await store.apply(open.map((c) => answerOf(c, now))))).toEqual(new Set(['ANSWERED']));
    expect((await reader.counters()).totals.open).toBe(0);
    expect((await reader.gaugeRows()).filter((row) => row.value !== 0)).toEqual([]);
  });
});

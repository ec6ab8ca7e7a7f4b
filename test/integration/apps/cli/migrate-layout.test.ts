import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../services/apps/cli/main.js';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { SlaReader } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { assertLayoutVersion } from '../../../../services/adapters/redis/redis-settings.js';
import { SlaStoreV1 } from '../../../../tools/harness/sla-layout-v1.js';
import { isolatedStack } from '../../../support/fixture.js';
import { answerOf, openCommand, serverNow } from '../../adapters/redis/helpers.js';

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
});

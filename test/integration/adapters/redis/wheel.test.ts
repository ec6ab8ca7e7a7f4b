import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { SlaReader } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORD_BUCKETS, recordBucketOf } from '../../../../services/adapters/redis/keys.js';
import { isolatedStack } from '../../../support/fixture.js';
import { REQUIRED_LISTPACK_VALUE } from '../../../../services/adapters/redis/redis-settings.js';
import { answerOf, cancelOf, openCommand, serverNow, wheelMembers, wheelSlots } from './helpers.js';

const SHARDS = 2;
let redis: Redis;
let store: SlaStore;
let reader: SlaReader;

beforeAll(() => {
  const stack = isolatedStack('sla-wheel');
  redis = stack.redis();
  const prefix = stack.env.OTKLIK_KEY_PREFIX as string;
  store = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 60_000 });
  reader = new SlaReader(redis, { prefix, shards: SHARDS });
});
afterAll(() => redis.disconnect());

describe('the timing wheel on real Redis', () => {
  it('splits a crowded minute into small slots; answers find members in any of them; claims drain all', async () => {
    const now = await serverNow(redis);
    const minute = Math.floor(now / 60_000) * 60_000 - 60_000;
    const commands = Array.from({ length: 800 }, (_, i) =>
      openCommand(now, SHARDS, {
        postedAt: minute - 600_000,
        warnAt: minute - 300_000,
        dueAt: minute + (i % 60_000),
        maxEscalationLevel: 0,
        url: `https://example.org/c/${i}`,
      }),
    );
    expect(new Set(await store.apply(commands))).toEqual(new Set(['OPENED']));

    // Every slot of the minute stays small enough for a listpack.
    for (let shard = 0; shard < SHARDS; shard++) {
      const slots = await wheelSlots(redis, store.keys.due(shard));
      expect(slots.length).toBeGreaterThan(2);
      for (const key of slots) {
        expect(await redis.zcard(key)).toBeLessThanOrEqual(120);
        expect(await redis.object('ENCODING', key)).toBe('listpack');
      }
      // Record buckets are listpacks where the server has the setting the roles check at start (a
      // shared test Redis may not: the fixture accepts that, and its buckets are hash tables).
      const [, listpackValue] = (await redis.config('GET', 'hash-max-listpack-value')) as [string, string];
      if (Number(listpackValue) >= REQUIRED_LISTPACK_VALUE) {
        for (const bucket of await redis.keys(`${store.keys.recordPrefix(shard)}*`)) {
          expect(await redis.object('ENCODING', bucket)).toBe('listpack');
        }
      }
    }

    const closed = commands.filter((_, i) => i % 2 === 0);
    await store.apply(closed.map((c, i) => (i % 2 ? cancelOf(c) : answerOf(c, now))));
    expect((await reader.deadlines({ limit: 1000 })).overdue).toHaveLength(400);

    const claimed: string[] = [];
    for (let round = 0; round < 10; round++) {
      const alerts = (await store.claimDueMany([0, 1], 150, 30_000)).flatMap((r) => r.alerts);
      if (alerts.length === 0) break;
      claimed.push(...alerts.map((a) => a.commentKey));
      expect(alerts.every((a) => a.kind === 'BREACH' && a.url?.startsWith('https://example.org/c/'))).toBe(
        true,
      );
      expect(await store.ackAlerts(alerts)).toEqual(alerts.map(() => true));
    }
    expect(claimed.sort()).toEqual(
      commands
        .filter((_, i) => i % 2 === 1)
        .map((c) => c.commentKey)
        .sort(),
    );
    for (let shard = 0; shard < SHARDS; shard++) {
      expect(await wheelMembers(redis, store.keys.due(shard), store.keys.soon(shard))).toEqual([]);
      expect(await redis.exists(`${store.keys.due(shard)}x`, `${store.keys.due(shard)}n`)).toBe(0);
    }
    const late = await reader.deadlines({ limit: 1000 });
    expect(late.overdue).toHaveLength(400);
    expect(late.overdue.every((o, i, all) => i === 0 || (all[i - 1] as typeof o).dueAt <= o.dueAt)).toBe(
      true,
    );
    expect(late.overdue.every((o) => o.nextAlert === null)).toBe(true);
  });

  it('computes the same record bucket in TypeScript and in Lua, for any key', async () => {
    const include = readFileSync(
      join(
        import.meta.dirname,
        '..',
        '..',
        '..',
        '..',
        'services',
        'adapters',
        'redis',
        'lua',
        'includes',
        'record.lua',
      ),
      'utf8',
    );
    const keys = [
      'VK:1',
      'TELEGRAM:-100123456789_42',
      'OK:комментарий-7',
      'MAX:😀',
      'WEB:' + 'x'.repeat(300),
    ];
    for (let i = 0; i < 200; i++) keys.push(`VK:${Math.random().toString(36).slice(2)}`);
    const lua = `${include}\nlocal out = {}\nfor i, k in ipairs(ARGV) do out[i] = bucket_of(k, ${RECORD_BUCKETS}) end\nreturn out`;
    const fromLua = (await redis.eval(lua, 0, ...keys)) as number[];
    expect(fromLua).toEqual(keys.map(recordBucketOf));
    expect(new Set(fromLua).size).toBeGreaterThan(150);
  });
});

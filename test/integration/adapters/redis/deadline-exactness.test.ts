import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadLuaScript } from '../../../../services/adapters/redis/lua-loader.js';
import { SlaReader } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { SLA_SCRIPTS, SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { openCommand } from './helpers.js';

/**
 * The board's overdue total is exact unless a comment due by now may be left unvisited (the sweepers
 * behind). A due-wheel window whose move time has passed but that nobody has moved yet holds nothing
 * due yet (it moves its lookahead before its first member's time), so it must not make the total look
 * inexact: a board read between sweeps did, and a CI run failed on it. Driven by a clock in a key.
 */
const CLOCK_INCLUDE = readFileSync(
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
    'clock.lua',
  ),
  'utf8',
);
const SHARDS = 1;
const prefix = `test:exact-${randomBytes(4).toString('hex')}`;
const clockKey = `${prefix}:clock`;
let redis: Redis;

function clockedRedis(url: string): Redis {
  const client = new Redis(url);
  const clocked = (lua: string) =>
    lua.replace(
      CLOCK_INCLUDE,
      `local now = tonumber(redis.call('GET', '${clockKey}'))\nlocal today = tostring(math.floor(now / 86400000))\n`,
    );
  const scripts = { ...SLA_SCRIPTS, scanDeadlines: { file: 'scan_deadlines', keys: 4 } };
  for (const [name, { file, keys }] of Object.entries(scripts)) {
    const lua = loadLuaScript(file);
    if (!lua.includes(CLOCK_INCLUDE)) throw new Error(`${file}: clock include not found`);
    client.defineCommand(name, { numberOfKeys: keys, lua: clocked(lua) });
  }
  return client;
}

beforeAll(() => {
  redis = clockedRedis(inject('redisUrl'));
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('the overdue total of a deadline scan', () => {
  it('stays exact past a window move time nobody acted on, and is inexact once a member is due unswept', async () => {
    const t0 = 1_800_000_000_000;
    await redis.set(clockKey, String(t0));
    const store = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 86_400_000 });
    const reader = new SlaReader(redis, { prefix, shards: SHARDS });
    // Forty comments due 30 to 50 minutes ahead (ten-minute windows), warnings past the horizon read.
    const opens = Array.from({ length: 40 }, (_, i) =>
      openCommand(t0, SHARDS, {
        postedAt: t0,
        warnAt: t0 + 1_800_000 + i * 30_000,
        dueAt: t0 + 1_800_000 + i * 30_000,
      }),
    );
    expect(new Set(await store.apply(opens))).toEqual(new Set(['OPENED']));
    const scan = async (cap: number) => reader.deadlines({ horizonMs: 3_600_000, cap });

    // 29 minutes on, no sweep since: the first window's move time has passed, its members are not due.
    await redis.set(clockKey, String(t0 + 29 * 60_000));
    const between = await scan(5);
    expect(between.truncated, 'the cap of 5 was reached').toBe(true);
    expect(between.overdueTotal).toBe(0);
    expect(between.overdueTotalExact).toBe(true);

    // 31 minutes on, still no sweep: a member is due and unvisited in a window not moved.
    await redis.set(clockKey, String(t0 + 31 * 60_000));
    expect((await scan(5)).overdueTotalExact).toBe(false);
    // A cap above everything visits it: exact again, and counted.
    const whole = await scan(1_000);
    expect(whole.overdueTotalExact).toBe(true);
    expect(whole.overdueTotal).toBeGreaterThan(0);
  });
});

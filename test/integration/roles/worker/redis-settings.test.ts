import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import {
  LayoutVersionError,
  RedisSettingsError,
  assertLayoutVersion,
  readLayoutVersions,
} from '../../../../services/adapters/redis/redis-settings.js';
import { SlaKeys } from '../../../../services/adapters/redis/keys.js';
import { startApp } from '../../../../services/runtime/app.js';
import { isolatedStack } from '../../../support/fixture.js';
import { startOwnRedis, type OwnRedis } from '../../../../tools/harness/redis-server.js';

/**
 * The roles refuse a Redis without the listpack setting the layout relies on, and a keyspace of the
 * previous layout, each with an error that says what to do. Private redis-servers play both (the
 * shared Redis is never reconfigured).
 */
let small: OwnRedis;
let right: OwnRedis;
let redis: Redis;

beforeAll(async () => {
  [small, right] = await Promise.all([
    startOwnRedis({ extraArgs: ['--hash-max-listpack-value', '64'] }),
    startOwnRedis(),
  ]);
  redis = new Redis(right.url);
});
afterAll(async () => {
  redis?.disconnect();
  await Promise.all([small?.dispose(), right?.dispose()]);
});

describe('Redis settings and layout version at start', () => {
  it('refuses hash-max-listpack-value 64 with the setting to make, unless the memory is accepted', async () => {
    const stack = isolatedStack('listpack', {
      REDIS_URL: small.url,
      OTKLIK_REDIS_ACCEPT_SMALL_LISTPACK: '0',
    });
    const started = startApp(loadConfig(stack.env), stack.logger, { roles: ['sweeper'] });
    await expect(started).rejects.toThrow(RedisSettingsError);
    await expect(started).rejects.toThrow(
      `refusing to start: Redis 127.0.0.1:${small.port} has hash-max-listpack-value 64`,
    );
    await expect(started).rejects.toThrow('set hash-max-listpack-value 256');

    const accepted = isolatedStack('listpack-ok', {
      REDIS_URL: small.url,
      OTKLIK_REDIS_ACCEPT_SMALL_LISTPACK: '1',
    });
    const app = await startApp(loadConfig(accepted.env), accepted.logger, { roles: ['sweeper'] });
    await app.close();
  });

  it('stamps an empty keyspace v3, and refuses a v1 or v2 keyspace naming the migration command', async () => {
    const prefix = `test:layout-${Date.now()}`;
    const keys = new SlaKeys(prefix);
    expect(await readLayoutVersions(redis, prefix, 2)).toEqual(['empty', 'empty']);
    await assertLayoutVersion(redis, prefix, 2);
    expect(await redis.mget(keys.layoutVersion(0), keys.layoutVersion(1))).toEqual(['3', '3']);
    // A shard still in v2 (its `open` slots not yet converted) is refused too.
    await redis.set(keys.layoutVersion(1), '2');
    await expect(assertLayoutVersion(redis, prefix, 2)).rejects.toThrow(
      /layout v2 \(shards 1\).*npm run otklik -- migrate-layout/,
    );

    const old = `test:layout-v1-${Date.now()}`;
    await redis.zadd(`${old}:{1}:due`, 0, 'x');
    await expect(assertLayoutVersion(redis, old, 2)).rejects.toThrow(LayoutVersionError);
    await expect(assertLayoutVersion(redis, old, 2)).rejects.toThrow(
      /layout v1 \(shards 1\).*npm run otklik -- migrate-layout/,
    );
    // Shard 0 was empty: nothing was stamped while another shard refused... nor after.
    expect(await redis.get(new SlaKeys(old).layoutVersion(0))).toBeNull();

    const stack = isolatedStack('layout', {
      REDIS_URL: right.url,
      OTKLIK_KEY_PREFIX: old,
      OTKLIK_SHARDS: '2',
    });
    await expect(startApp(loadConfig(stack.env), stack.logger, { roles: ['worker'] })).rejects.toThrow(
      LayoutVersionError,
    );
  });
});

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import {
  EvictionPolicyError,
  assertNoEviction,
} from '../../../../services/adapters/redis/eviction-policy.js';
import { startApp } from '../../../../services/runtime/app.js';
import { isolatedStack } from '../../../support/fixture.js';
import { startOwnRedis, type OwnRedis } from '../../../../tools/harness/redis-server.js';

/**
 * The roles refuse a Redis that may evict SLA state. A private redis-server plays the misconfigured one
 * (the machine's shared Redis is never reconfigured); its ACL users show the check needs no CONFIG.
 */
let own: OwnRedis;
let admin: Redis;
const clients: Redis[] = [];

const userUrl = (user: string) => `redis://${user}:pw@127.0.0.1:${own.port}`;
const connectAs = (user: string) => {
  // ioredis' own ready check runs INFO, which the no-info user may not.
  const client = new Redis(userUrl(user), { maxRetriesPerRequest: 1, enableReadyCheck: false });
  clients.push(client);
  return client;
};

beforeAll(async () => {
  own = await startOwnRedis({ extraArgs: ['--maxmemory-policy', 'allkeys-lru'] });
  admin = new Redis(own.url);
  await admin.acl('SETUSER', 'no-config', 'on', '>pw', '~*', '&*', '+@all', '-config');
  await admin.acl('SETUSER', 'no-info', 'on', '>pw', '~*', '&*', '+@all', '-config', '-info');
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  admin?.disconnect();
  await own?.dispose();
});

describe('maxmemory-policy at start', () => {
  it('startApp refuses a Redis with allkeys-lru, with a clear error, and starts no role', async () => {
    const stack = isolatedStack('eviction', { REDIS_URL: own.url });
    const started = startApp(loadConfig(stack.env), stack.logger, { roles: ['worker', 'sweeper'] });
    await expect(started).rejects.toThrow(EvictionPolicyError);
    await expect(started).rejects.toThrow(
      `refusing to start: Redis 127.0.0.1:${own.port} has maxmemory-policy allkeys-lru`,
    );
    await expect(started).rejects.toThrow('set maxmemory-policy noeviction');
    // No topic was created for a role that refused.
    const kafkaAdmin = stack.kafka.admin();
    await kafkaAdmin.connect();
    try {
      expect(await kafkaAdmin.listTopics()).not.toContain(stack.env.OTKLIK_TOPIC_COMMENTS);
    } finally {
      await kafkaAdmin.disconnect();
    }
  });

  it('reads the policy with INFO alone: a user without CONFIG is refused on allkeys-lru, accepted on noeviction', async () => {
    const noConfig = connectAs('no-config');
    await expect(noConfig.config('GET', 'maxmemory-policy')).rejects.toThrow(/NOPERM/);
    await expect(assertNoEviction(noConfig)).rejects.toThrow('has maxmemory-policy allkeys-lru');
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    try {
      await expect(assertNoEviction(noConfig)).resolves.toBeUndefined();
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    }
  });

  it('refuses when the user may read neither INFO nor CONFIG, saying what to grant', async () => {
    await expect(assertNoEviction(connectAs('no-info'))).rejects.toThrow(
      /cannot read maxmemory-policy of Redis 127\.0\.0\.1:\d+ \(INFO: NOPERM.*CONFIG GET: NOPERM.*\+info/,
    );
  });

  it("the machine's shared Redis runs with noeviction, and this test left it so", async () => {
    const shared = new Redis(isolatedStack('eviction-shared').redisUrl);
    clients.push(shared);
    await expect(assertNoEviction(shared)).resolves.toBeUndefined();
  });
});

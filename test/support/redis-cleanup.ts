import { Redis } from 'ioredis';
import { afterAll, inject } from 'vitest';
import { createdKeyPrefixes } from './fixture.js';

/**
 * After each integration test file: delete the Redis keys under the prefixes its isolated stacks used.
 * The tests share the machine's Redis (and CI's next run finds it as this one left it), so what a test
 * writes must not pile up run after run. Best effort: a file that left Redis stopped or frozen skips it.
 */
afterAll(async () => {
  if (createdKeyPrefixes.size === 0) return;
  const redis = new Redis(inject('redisUrl'), {
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    lazyConnect: true,
  });
  const cleanup = async () => {
    await redis.connect();
    for (const prefix of createdKeyPrefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 2_000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  };
  try {
    await Promise.race([cleanup(), new Promise((resolve) => setTimeout(resolve, 15_000))]);
  } catch {
    // Redis down or frozen at the end of the file: nothing to clean that can be reached.
  } finally {
    createdKeyPrefixes.clear();
    redis.disconnect();
  }
});

import { Redis } from 'ioredis';

/**
 * A Redis connection from a redis:// or rediss:// URL (user, password and TLS come with the URL).
 * Commands queue while disconnected and ioredis reconnects with backoff; the worker's own retries decide
 * when to give up on a batch.
 */
export function connectRedis(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 2,
    enableAutoPipelining: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    lazyConnect: false,
  });
}

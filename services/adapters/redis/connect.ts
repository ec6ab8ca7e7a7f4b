import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

/**
 * A Redis connection from a redis:// or rediss:// URL: user (ACL), password and TLS come with the URL,
 * a private CA with `tlsCaFile`. Commands queue while disconnected and ioredis reconnects with backoff;
 * the worker's own retries decide when to give up on a batch.
 */
export function connectRedis(
  url: string,
  options: {
    tlsCaFile?: string;
    commandTimeoutMs?: number;
    /**
     * Told about connection errors (refused, reset, timed out). Without a listener ioredis prints every
     * one to stderr as an "Unhandled error event"; the commands that fail meanwhile are reported by their
     * callers, so one line per outage is enough here.
     */
    onConnectionError?: (error: Error) => void;
  } = {},
): Redis {
  const tls = url.startsWith('rediss://')
    ? { ...(options.tlsCaFile ? { ca: [readFileSync(options.tlsCaFile, 'utf8')] } : {}) }
    : undefined;
  const redis = new Redis(url, {
    maxRetriesPerRequest: 2,
    // A hung server (frozen, partitioned) must become a retriable error, or nothing can back off,
    // pause fetching, or shut down cleanly while it hangs.
    commandTimeout: options.commandTimeoutMs ?? 5_000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    ...(tls ? { tls } : {}),
  });
  let reported = false;
  redis.on('error', (error: Error) => {
    if (!reported) options.onConnectionError?.(error);
    reported = true;
  });
  redis.on('ready', () => {
    reported = false;
  });
  return redis;
}

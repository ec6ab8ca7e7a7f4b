import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';

/** Where Redis is, as the runtime's validated environment names it. */
export interface RedisSettings {
  /**
   * redis:// or rediss:// URL: user (ACL), password, database and TLS. Its host and port are the server,
   * unless Sentinels are given: then they are ignored and the Sentinels name the current master.
   */
  REDIS_URL: string;
  REDIS_TLS_CA_FILE?: string;
  /** Sentinels (host:port, comma-separated) that know the master named REDIS_SENTINEL_NAME. */
  REDIS_SENTINELS?: string;
  REDIS_SENTINEL_NAME?: string;
  REDIS_SENTINEL_PASSWORD?: string;
}

/** host:port,host:port -> ioredis's sentinel list (validated by the config; here only split). */
export function sentinelsOf(list: string): { host: string; port: number }[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const at = entry.lastIndexOf(':');
      return { host: entry.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(entry.slice(at + 1)) };
    });
}

/**
 * A Redis connection: to the server of REDIS_URL, or through Sentinels to whichever node is master now.
 * Commands queue while disconnected and ioredis reconnects with backoff; the roles' own retries decide
 * when to give up on a batch. Through Sentinels a failover is followed without a restart: ioredis asks
 * the Sentinels again on every reconnect, drops the connection as soon as they announce a new master,
 * and a write answered READONLY (the old master, now a replica) reconnects and is sent again.
 */
export function connectRedis(
  settings: RedisSettings,
  options: {
    commandTimeoutMs?: number;
    /**
     * Told about connection errors (refused, reset, timed out). Without a listener ioredis prints every
     * one to stderr as an "Unhandled error event"; the commands that fail meanwhile are reported by their
     * callers, so one line per outage is enough here.
     */
    onConnectionError?: (error: Error) => void;
  } = {},
): Redis {
  const url = settings.REDIS_URL;
  const tls = url.startsWith('rediss://')
    ? { ...(settings.REDIS_TLS_CA_FILE ? { ca: [readFileSync(settings.REDIS_TLS_CA_FILE, 'utf8')] } : {}) }
    : undefined;
  const common: RedisOptions = {
    maxRetriesPerRequest: 2,
    // A hung server (frozen, partitioned) must become a retriable error, or nothing can back off,
    // pause fetching, or shut down cleanly while it hangs.
    commandTimeout: options.commandTimeoutMs ?? 5_000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    ...(tls ? { tls } : {}),
  };
  const sentinels = settings.REDIS_SENTINELS ? sentinelsOf(settings.REDIS_SENTINELS) : [];
  const redis =
    sentinels.length === 0
      ? new Redis(url, common)
      : new Redis(url, {
          ...common,
          sentinels,
          name: settings.REDIS_SENTINEL_NAME ?? 'otklik',
          ...(settings.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: settings.REDIS_SENTINEL_PASSWORD } : {}),
          ...(tls ? { enableTLSForSentinelMode: true } : {}),
          role: 'master',
          failoverDetector: true,
          sentinelRetryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2_000),
          // The old master answers READONLY once demoted: reconnect (asking the Sentinels) and resend.
          reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
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

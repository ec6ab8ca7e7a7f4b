import { readFileSync } from 'node:fs';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { reconnectAfterLostRace } from './reconnect-after-race.js';

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
  /** Some nodes (host:port, comma-separated) of a Redis Cluster: then REDIS_URL gives credentials and TLS. */
  REDIS_CLUSTER_NODES?: string;
}

/** A connection to one server (directly or through Sentinels) or to a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** How often a cluster client asks for the slot map unprompted: a promoted replica is found within it. */
export const CLUSTER_SLOTS_REFRESH_MS = 1_000;

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

export interface ConnectOptions {
  commandTimeoutMs?: number;
  /**
   * Told about connection errors (refused, reset, timed out). Without a listener ioredis prints every
   * one to stderr as an "Unhandled error event"; the commands that fail meanwhile are reported by their
   * callers, so one line per outage is enough here.
   */
  onConnectionError?: (error: Error) => void;
}

/** A Redis Cluster when REDIS_CLUSTER_NODES is set, else one server (directly or through Sentinels). */
export function connectRedis(settings: RedisSettings, options: ConnectOptions = {}): RedisClient {
  if (!settings.REDIS_CLUSTER_NODES) return connectServer(settings, options);
  return reportErrorsOnce(
    connectCluster(settings, sentinelsOf(settings.REDIS_CLUSTER_NODES), options),
    options,
  );
}

function commonOptions(settings: RedisSettings, options: ConnectOptions): RedisOptions {
  const tls = settings.REDIS_URL.startsWith('rediss://')
    ? { ...(settings.REDIS_TLS_CA_FILE ? { ca: [readFileSync(settings.REDIS_TLS_CA_FILE, 'utf8')] } : {}) }
    : undefined;
  return {
    maxRetriesPerRequest: 2,
    // A hung server (frozen, partitioned, or a cluster master just killed) must become a retriable
    // error, or nothing can back off, pause fetching, or shut down cleanly while it hangs.
    commandTimeout: options.commandTimeoutMs ?? 5_000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    ...(tls ? { tls } : {}),
  };
}

/**
 * For what needs one keyspace on one master (key renames, scans) as well as connectRedis: the server of
 * REDIS_URL, or through Sentinels whichever node is master now. Commands queue while disconnected and
 * ioredis reconnects with backoff; the roles' own retries decide when to give up on a batch. Through
 * Sentinels a failover is followed without a restart: ioredis asks the Sentinels again on every
 * reconnect, drops the connection as soon as they announce a new master, and a write answered READONLY
 * (the old master, now a replica) reconnects and is sent again.
 */
export function connectServer(settings: RedisSettings, options: ConnectOptions = {}): Redis {
  const url = settings.REDIS_URL;
  const common = commonOptions(settings, options);
  const sentinels = settings.REDIS_SENTINELS ? sentinelsOf(settings.REDIS_SENTINELS) : [];
  if (sentinels.length === 0) return reportErrorsOnce(new Redis(url, common), options);
  const redis = new Redis(url, {
    ...common,
    sentinels,
    name: settings.REDIS_SENTINEL_NAME ?? 'otklik',
    ...(settings.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: settings.REDIS_SENTINEL_PASSWORD } : {}),
    ...(common.tls ? { enableTLSForSentinelMode: true } : {}),
    role: 'master',
    failoverDetector: true,
    sentinelRetryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2_000),
    // The old master answers READONLY once demoted: reconnect (asking the Sentinels) and resend.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
  });
  return reportErrorsOnce(reconnectAfterLostRace(redis), options);
}

/**
 * A Redis Cluster client. Credentials and TLS come from REDIS_URL (its host is ignored). A failover is
 * followed without a restart: the slot map is asked for every CLUSTER_SLOTS_REFRESH_MS and at once when
 * the store meets MOVED, CLUSTERDOWN or a lost connection (SlaStore); commands sent to a dead master fail
 * by commandTimeout instead of waiting for it, and the callers retry their idempotent batches.
 */
function connectCluster(
  settings: RedisSettings,
  nodes: { host: string; port: number }[],
  options: ConnectOptions,
): Cluster {
  const url = new URL(settings.REDIS_URL);
  const common = commonOptions(settings, options);
  return new Cluster(nodes, {
    redisOptions: {
      ...common,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      connectTimeout: 2_000,
    },
    clusterRetryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2_000),
    slotsRefreshInterval: CLUSTER_SLOTS_REFRESH_MS,
    slotsRefreshTimeout: 2_000,
  });
}

function reportErrorsOnce<T extends RedisClient>(redis: T, options: ConnectOptions): T {
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

import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './connect.js';

/** Keys per SCAN page: large, so a keyspace of millions takes few round trips. */
const SCAN_COUNT = 1000;

/** `text` as a literal in a SCAN MATCH glob. */
export const globLiteral = (text: string) => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/**
 * The servers that hold the keys: every master of a Redis Cluster (SCAN through the cluster client
 * walks one node only), else the one server.
 */
export function serversOf(redis: RedisClient): Redis[] {
  return redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
}

/**
 * Every key matching `pattern` (SCAN MATCH) on every server of the client, a page at a time, each page
 * with the server that holds its keys: commands on those keys go to that server directly, one key per
 * command (keys of different slots on one Cluster master still refuse a multi-key command).
 */
export async function* scanKeys(
  redis: RedisClient,
  pattern: string,
): AsyncGenerator<{ server: Redis; keys: string[] }> {
  for (const server of serversOf(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      cursor = next;
      if (keys.length > 0) yield { server, keys };
    } while (cursor !== '0');
  }
}

/** Runs one command per key on `server` in a pipeline; returns each key's error or null. */
export async function perKey(
  server: Redis,
  keys: readonly string[],
  add: (pipeline: ReturnType<Redis['pipeline']>, key: string) => void,
): Promise<{ error: Error | null; value: unknown }[]> {
  const pipeline = server.pipeline();
  for (const key of keys) add(pipeline, key);
  return ((await pipeline.exec()) ?? []).map(([error, value]) => ({ error, value }));
}

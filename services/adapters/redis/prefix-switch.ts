import type { Redis } from 'ioredis';

const SCAN_COUNT = 1000;

/** Every key matching `pattern` (SCAN MATCH), a page at a time. */
async function* scanKeys(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    cursor = next;
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}

/** The SLA keys of a prefix: every one carries its shard's `{shard}` hash tag right after the prefix. */
export const slaKeyPattern = (prefix: string) => `${prefix}:{*`;

/** Deletes (UNLINK) every key matching `pattern`; returns how many. */
export async function deleteMatching(redis: Redis, pattern: string): Promise<number> {
  let deleted = 0;
  for await (const keys of scanKeys(redis, pattern)) deleted += await redis.unlink(...keys);
  return deleted;
}

/**
 * Puts the SLA keys written under `from` in the place of those under `to`: the keys under `to` are
 * deleted, then each key under `from` is renamed to the same name under `to` (same `{shard}` hash tag,
 * so the same slot; RENAME keeps a finished marker's TTL). The roles must be stopped: they read `to`.
 * Not atomic: a rebuild interrupted here is run again whole (it rebuilds `from` from the log first).
 */
export async function switchPrefix(
  redis: Redis,
  from: string,
  to: string,
): Promise<{ deleted: number; moved: number }> {
  if (redis.isCluster) throw new Error('switchPrefix: a Redis Cluster is not supported yet');
  const deleted = await deleteMatching(redis, slaKeyPattern(to));
  let moved = 0;
  // Renamed keys leave the pattern, so a scan may skip or repeat some: scan again until none is left.
  for (;;) {
    let round = 0;
    for await (const keys of scanKeys(redis, slaKeyPattern(from))) {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.rename(key, `${to}${key.slice(from.length)}`);
      for (const [error] of (await pipeline.exec()) ?? []) {
        // A key renamed by an earlier page of this scan (SCAN may return one twice) is gone: fine.
        if (!error) round++;
        else if (!/no such key/i.test(error.message)) throw error;
      }
    }
    moved += round;
    if (round === 0) break;
  }
  return { deleted, moved };
}

import type { RedisClient } from './connect.js';
import { perKey, scanKeys } from './scan.js';

/** The SLA keys of a prefix: every one carries its shard's `{shard}` hash tag right after the prefix. */
export const slaKeyPattern = (prefix: string) => `${prefix}:{*`;

/** Deletes (UNLINK) every key matching `pattern`, on every master of a Cluster; returns how many. */
export async function deleteMatching(redis: RedisClient, pattern: string): Promise<number> {
  let deleted = 0;
  for await (const { server, keys } of scanKeys(redis, pattern)) {
    for (const { error, value } of await perKey(server, keys, (pipeline, key) => pipeline.unlink(key))) {
      if (error) throw error;
      deleted += value as number;
    }
  }
  return deleted;
}

/**
 * Puts the SLA keys written under `from` in the place of those under `to`: the keys under `to` are
 * deleted, then each key under `from` is renamed to the same name under `to` (same `{shard}` hash tag,
 * so the same slot, on a Cluster the same master; RENAME keeps a finished marker's TTL). The roles must be
 * stopped: they read `to`.
 * Not atomic: a rebuild interrupted here is run again whole (it rebuilds `from` from the log first).
 */
export async function switchPrefix(
  redis: RedisClient,
  from: string,
  to: string,
): Promise<{ deleted: number; moved: number }> {
  const deleted = await deleteMatching(redis, slaKeyPattern(to));
  let moved = 0;
  // Renamed keys leave the pattern, so a scan may skip or repeat some: scan again until none is left.
  for (;;) {
    let round = 0;
    for await (const { server, keys } of scanKeys(redis, slaKeyPattern(from))) {
      const renames = await perKey(server, keys, (pipeline, key) =>
        pipeline.rename(key, `${to}${key.slice(from.length)}`),
      );
      for (const { error } of renames) {
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

import type { RedisClient } from '../connect.js';
import type { SlaKeys } from '../keys.js';
import { globLiteral, perKey, scanKeys } from '../scan.js';

/** The shard of a key of the prefix (`<prefix>:{<shard>}:...`), or null for another keyspace's. */
function shardOfKey(key: string, prefix: string, shards: number): number | null {
  const rest = key.slice(prefix.length + 2);
  const shard = Number(rest.slice(0, rest.indexOf('}')));
  return Number.isInteger(shard) && shard >= 0 && shard < shards ? shard : null;
}

/** A comment whose appeal may be open, on its shard. */
export interface AppealRef {
  shard: number;
  key: string;
}

/**
 * The comments of a prefix whose appeal may be open, on every shard, each once: those with a lifecycle
 * state (`ap:<key>`, open or finished and kept until its retention ends) and those whose first-reply
 * record is open in a record bucket without a state yet (members without `#final` / `#next`: those
 * records always have a state). One SCAN per kind of key over the whole keyspace (every shard's `{n}`
 * tag in the pattern; on a Redis Cluster, on every master), then HKEYS of each bucket found. The caller
 * reads each one and keeps the open ones (read_appeal.lua): a key seen here may have finished since.
 */
export async function openAppealRefs(
  redis: RedisClient,
  keys: SlaKeys,
  shards: number,
): Promise<AppealRef[]> {
  const prefix = keys.prefix;
  const found = new Map<string, AppealRef>();
  const add = (shard: number, key: string) => found.set(`${shard} ${key}`, { shard, key });
  const base = `${globLiteral(prefix)}:{*}:`;
  for await (const { keys: page } of scanKeys(redis, `${base}ap:*`)) {
    for (const k of page) {
      const shard = shardOfKey(k, prefix, shards);
      if (shard !== null) add(shard, k.slice(keys.appeal(shard, '').length));
    }
  }
  for await (const { server, keys: page } of scanKeys(redis, `${base}o:*`)) {
    const buckets = page.flatMap((k) => {
      const shard = shardOfKey(k, prefix, shards);
      return shard === null || !/^\d+$/.test(k.slice(keys.recordPrefix(shard).length)) ? [] : [{ k, shard }];
    });
    const replies = await perKey(
      server,
      buckets.map((b) => b.k),
      (pipeline, k) => pipeline.hkeys(k),
    );
    replies.forEach(({ error, value }, i) => {
      if (error) throw error;
      for (const member of value as string[])
        if (!member.endsWith('#final') && !member.endsWith('#next')) add(buckets[i]!.shard, member);
    });
  }
  return [...found.values()];
}

import type { Redis } from 'ioredis';
import type { SlaKeys } from '../keys.js';

/** Keys per SCAN page: large, so a keyspace of millions takes few round trips. */
const SCAN_COUNT = 1000;

/** `text` as a literal in a SCAN MATCH glob. */
const globLiteral = (text: string) => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Every key matching `pattern` (SCAN MATCH), a page at a time. */
async function* scanKeys(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    cursor = next;
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}

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
 * tag in the pattern), then HKEYS of each bucket found. The caller reads each one and keeps the open
 * ones (read_appeal.lua): a key seen here may have finished since. Needs one Redis server (SCAN on a
 * Cluster walks one master).
 */
export async function openAppealRefs(redis: Redis, keys: SlaKeys, shards: number): Promise<AppealRef[]> {
  const prefix = keys.prefix;
  const found = new Map<string, AppealRef>();
  const add = (shard: number, key: string) => found.set(`${shard} ${key}`, { shard, key });
  const base = `${globLiteral(prefix)}:{*}:`;
  for await (const page of scanKeys(redis, `${base}ap:*`)) {
    for (const k of page) {
      const shard = shardOfKey(k, prefix, shards);
      if (shard !== null) add(shard, k.slice(keys.appeal(shard, '').length));
    }
  }
  for await (const page of scanKeys(redis, `${base}o:*`)) {
    const buckets = page.flatMap((k) => {
      const shard = shardOfKey(k, prefix, shards);
      return shard === null || !/^\d+$/.test(k.slice(keys.recordPrefix(shard).length)) ? [] : [{ k, shard }];
    });
    const pipeline = redis.pipeline();
    for (const { k } of buckets) pipeline.hkeys(k);
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, members], i) => {
      if (error) throw error;
      for (const member of members as string[])
        if (!member.endsWith('#final') && !member.endsWith('#next')) add(buckets[i]!.shard, member);
    });
  }
  return [...found.values()];
}

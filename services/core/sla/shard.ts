/**
 * A comment's shard: FNV-1a of its key, modulo the shard count. Every Redis key of one comment carries
 * `{shard}` as its hash tag, so its scripts touch one cluster slot; per-shard sorted sets and counters
 * spread the load over the cluster.
 */
export function shardOf(commentKey: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < commentKey.length; i++) {
    hash ^= commentKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** docs/design.md#topics: a comment's key is `platform:comment_id`. */
export function commentKeyOf(platform: string, commentId: string): string {
  return `${platform}:${commentId}`;
}

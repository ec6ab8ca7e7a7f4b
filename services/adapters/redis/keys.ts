/**
 * Hash buckets per shard that hold open records (see lua/_README.md). Part of the stored layout: changing
 * it on a live keyspace loses the open records, so it is a constant, not a setting.
 */
export const RECORD_BUCKETS = 1024;

/**
 * The bucket of a comment's open record: bits 16-31 of the 32-bit FNV-1a of the key's UTF-8 bytes,
 * modulo RECORD_BUCKETS; lua/includes/record.lua `bucket_of` computes the same. (The shard uses the low
 * bits of the FNV-1a of the key's UTF-16 units, so the two are independent for power-of-two shard counts.)
 */
export function recordBucketOf(commentKey: string): number {
  const bytes = Buffer.from(commentKey, 'utf8');
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 16) % RECORD_BUCKETS;
}

/** Names of every Redis key Otklik writes. All keys of one shard share the `{shard}` hash tag. */
export class SlaKeys {
  constructor(readonly prefix: string) {}

  tag(shard: number): string {
    return `${this.prefix}:{${shard}}`;
  }

  /** Prefix of the shard's record bucket hashes; a bucket's key is this plus its number. */
  recordPrefix(shard: number): string {
    return `${this.tag(shard)}:r:`;
  }

  /** The bucket hash holding the comment's open record. */
  record(shard: number, commentKey: string): string {
    return `${this.recordPrefix(shard)}${recordBucketOf(commentKey)}`;
  }

  /** Prefix of the shard's finished markers; a marker's key is this plus the comment key. */
  finishedPrefix(shard: number): string {
    return `${this.tag(shard)}:f:`;
  }

  /** A finished comment's marker (answered, cancelled, not actionable, or a reply/delete seen first). */
  finished(shard: number, commentKey: string): string {
    return `${this.finishedPrefix(shard)}${commentKey}`;
  }

  /** Index of the due wheel: open comments by the time of their next alert. */
  due(shard: number): string {
    return `${this.tag(shard)}:due`;
  }

  /** Index of the late wheel: breached open comments by due_at. */
  late(shard: number): string {
    return `${this.tag(shard)}:late`;
  }

  lease(shard: number): string {
    return `${this.tag(shard)}:lease`;
  }

  counters(shard: number): string {
    return `${this.tag(shard)}:cnt`;
  }

  daily(shard: number): string {
    return `${this.tag(shard)}:daily`;
  }
}

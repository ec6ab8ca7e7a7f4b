import type { SlaTarget } from '../../core/sla/appeal-clock.js';

/**
 * Hash buckets per shard that hold open records, one field per record (see lua/_README.md). Part of the
 * stored layout: changing it on a live keyspace loses the open records, so it is a constant, not a
 * setting. 4,096 keep ~15 records (~2 KB) per bucket at 1M open items on 16 shards.
 */
export const RECORD_BUCKETS = 4096;

/**
 * The layout of the SLA keys this code reads and writes, kept per shard in `<tag>:v`. v1 (no `v` key):
 * chunked records in 1,024 `r:` buckets and slot-looked-up wheels; v2: one field per record in 4,096
 * `o:` buckets, counted-slot wheels and the `soon` zset; v3: the same, with the `open` gauge of a
 * positioned dimension derived on read (counter-positions.ts). docs/sla-engine.md "Upgrading the layout".
 */
export const LAYOUT_VERSION = '3';
/** The layout before LAYOUT_VERSION whose shards migrate-layout converts with one call each. */
export const PREVIOUS_LAYOUT_VERSION = '2';

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

/**
 * The appeal lifecycle's records (issue #16): the first reply's is the comment's own member, the final
 * answer's `<key>#final`, the next reply's `<key>#next` (lua/includes/record.lua target_prefix).
 */
/** The member of a target's record in the wheels and buckets. */
export function memberOf(key: string, target: SlaTarget): string {
  if (target === 'FINAL_ANSWER') return `${key}#final`;
  return target === 'NEXT_REPLY' ? `${key}#next` : key;
}

/** The appeal key and target of a record's member (claim_due hands out members). */
export function targetOfMember(member: string): { key: string; target: SlaTarget } {
  if (member.endsWith('#final')) return { key: member.slice(0, -6), target: 'FINAL_ANSWER' };
  if (member.endsWith('#next')) return { key: member.slice(0, -5), target: 'NEXT_REPLY' };
  return { key: member, target: 'FIRST_REPLY' };
}

/** Names of every Redis key Otklik writes. All keys of one shard share the `{shard}` hash tag. */
export class SlaKeys {
  constructor(readonly prefix: string) {}

  tag(shard: number): string {
    return `${this.prefix}:{${shard}}`;
  }

  /** Prefix of the shard's record bucket hashes; a bucket's key is this plus its number. */
  recordPrefix(shard: number): string {
    return `${this.tag(shard)}:o:`;
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

  /** The operator actions kept for a comment's appeal, action id -> the action as JSON (issue #16). */
  actions(shard: number, commentKey: string): string {
    return `${this.tag(shard)}:act:${commentKey}`;
  }

  /** The appeal's lifecycle state (issue #16): version `v`, state JSON `s`, the comment's record tail `t`. */
  appeal(shard: number, commentKey: string): string {
    return `${this.tag(shard)}:ap:${commentKey}`;
  }

  /**
   * The appeal a comment of its thread belongs to (a citizen's follow-up, docs/sla-engine.md "A citizen's
   * follow-up in Redis"): under the appeal's own key once it had an official reply, under each official
   * reply to it and under each follow-up, the appeal's key; in the shard of the comment it is named by.
   */
  link(shard: number, commentKey: string): string {
    return `${this.tag(shard)}:ln:${commentKey}`;
  }

  /** What waits for a comment not seen yet (operator actions, official replies), in arrival order. */
  pending(shard: number, commentKey: string): string {
    return `${this.tag(shard)}:pend:${commentKey}`;
  }

  /** The shard's corrections log: one JSON entry per reclassification, appended once. */
  corrections(shard: number): string {
    return `${this.tag(shard)}:corr`;
  }

  /**
   * Base key of the due wheel (open comments by the time of their next alert): `<base>x` its minute
   * index, `<base>n` its add counts, `<base>:<minute>.<n>` its slots (lua/includes/wheel.lua).
   */
  due(shard: number): string {
    return `${this.tag(shard)}:d`;
  }

  /** The due wheel's coming minute, member -> exact time (claim_due.lua moves it there). */
  soon(shard: number): string {
    return `${this.tag(shard)}:soon`;
  }

  /** Base key of the late wheel: breached open comments by due_at (same scheme as the due wheel). */
  late(shard: number): string {
    return `${this.tag(shard)}:l`;
  }

  /** The shard's state generation (core/state/generation.ts): absent means its data is gone or new. */
  generation(shard: number): string {
    return `${this.tag(shard)}:gen`;
  }

  /** The shard's layout version (LAYOUT_VERSION; absent on a keyspace of the previous layout). */
  layoutVersion(shard: number): string {
    return `${this.tag(shard)}:v`;
  }

  lease(shard: number): string {
    return `${this.tag(shard)}:lease`;
  }

  /** Counters without a fixed position (hash fields `<metric>|<dim>`, as layout v1 kept them all). */
  counters(shard: number): string {
    return `${this.tag(shard)}:cnt`;
  }

  daily(shard: number): string {
    return `${this.tag(shard)}:daily`;
  }

  /** The shard's totals string: 64-bit counters at fixed positions (counter-positions.ts). */
  counterBits(shard: number): string {
    return `${this.counters(shard)}:b`;
  }

  /** One epoch day's string of 32-bit daily counters at fixed positions (counter-positions.ts). */
  dayBits(shard: number, epochDay: number): string {
    return `${this.daily(shard)}:${epochDay}`;
  }
}

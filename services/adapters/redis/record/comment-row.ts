import type { AlertKind } from '../../../core/contracts/schema-types.generated.js';
import type { SlaTarget } from '../../../core/sla/appeal-clock.js';
import { targetOfMember } from '../keys.js';
import { decodeRecordTail } from './record.js';

/**
 * What an open record says about its comment: the fields every read of a record returns, whether the
 * sweeper's claim (ClaimedAlert, store/sla-store.ts) or the deadline read (OverdueComment,
 * reader/deadlines.ts).
 */
export interface RecordedComment {
  /** The appeal's comment, whichever of its targets' records this is (issue #16). */
  commentKey: string;
  platform: string;
  commentId: string;
  threadId: string;
  pageId: string;
  region: string;
  municipality: string | null;
  category: string;
  priority: string;
  postedAt: number;
  dueAt: number;
  excerpt: string;
  url: string | null;
}

/** One row as `record_row` (lua/includes/record.lua) returns it, decoded. */
export interface CommentRow {
  comment: RecordedComment;
  /** The record's alert (claimed, or next to fire), or null after the last escalation. */
  alert: { kind: AlertKind; level: number } | null;
  /** The target whose record this is (issue #16) and its member in the wheels and buckets. */
  target: SlaTarget;
  member: string;
}

/**
 * Decodes a `record_row`: member, due_at, posted_at, region, category, priority, alert kind ('' = none),
 * level, record tail (binary: read through ioredis' `...Buffer` script variants).
 */
export function commentRowOf(f: readonly (Buffer | number)[]): CommentRow {
  const member = String(f[0]);
  const { key: commentKey, target } = targetOfMember(member);
  const colon = commentKey.indexOf(':');
  const commentId = commentKey.slice(colon + 1);
  const tail = decodeRecordTail(f[8] as Buffer, commentId);
  const kind = String(f[6] ?? '');
  return {
    target,
    member,
    comment: {
      commentKey,
      platform: commentKey.slice(0, colon),
      commentId,
      threadId: tail.threadId,
      pageId: tail.pageId,
      region: String(f[3]),
      municipality: tail.municipality,
      category: String(f[4]),
      priority: String(f[5]),
      postedAt: Number(f[2]),
      dueAt: Number(f[1]),
      excerpt: tail.excerpt,
      url: tail.url,
    },
    alert: kind ? { kind: kind as AlertKind, level: Number(f[7]) } : null,
  };
}

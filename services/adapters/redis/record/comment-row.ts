import type { AlertKind } from '../../../core/contracts/schema-types.generated.js';
import { decodeRecordTail } from './record.js';

/**
 * What an open record says about its comment: the fields every read of a record returns, whether the
 * sweeper's claim (ClaimedAlert, store/sla-store.ts) or the deadline read (OverdueComment,
 * reader/deadlines.ts).
 */
export interface RecordedComment {
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
}

/**
 * Decodes a `record_row`: member, due_at, posted_at, region, category, priority, alert kind ('' = none),
 * level, record tail (binary: read through ioredis' `...Buffer` script variants).
 */
export function commentRowOf(f: readonly (Buffer | number)[]): CommentRow {
  const commentKey = String(f[0]);
  const colon = commentKey.indexOf(':');
  const commentId = commentKey.slice(colon + 1);
  const tail = decodeRecordTail(f[8] as Buffer, commentId);
  const kind = String(f[6] ?? '');
  return {
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

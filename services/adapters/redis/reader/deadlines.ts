/**
 * The deadline read (lua/scan_deadlines.lua): its options, its result and the decoding of its replies.
 * One scan serves the ops board (filtered, per cell) and the CLI, tools and tests (unfiltered).
 */
import { commentRowOf, type RecordedComment } from '../record/comment-row.js';
import type { AlertKind } from '../../../core/contracts/schema-types.generated.js';
import type { SlaTarget } from '../../../core/sla/appeal.js';

/** Which comments a list keeps ('' or absent = any). */
export interface CommentFilter {
  region?: string;
  category?: string;
  priority?: string;
}

/**
 * An open comment past its due_at, as the deadline read returns it: `commentKey` is the appeal's comment
 * and `target` which of its deadlines passed (issue #16: a final answer's record sits under `<key>#final`).
 */
export interface OverdueComment extends RecordedComment {
  target: SlaTarget;
  /** Redis time of the read minus due_at. */
  lateMs: number;
  /** The next alert still to fire, or null after the last escalation. */
  nextAlert: { kind: AlertKind; level: number } | null;
}

export interface DeadlineCell {
  /** Whose records: the first reply's, or (issue #16) the final answer's or the next reply's. */
  target: SlaTarget;
  region: string;
  category: string;
  priority: string;
  /**
   * Overdue comments whose BREACH is not claimed yet (outside the late wheel, whose members the
   * `overdue` counter gauge counts): exact when `overdueTotalExact`.
   */
  overdueUnclaimed: number;
  /** A lower bound when `truncated`. */
  dueSoon: number;
}

export interface DeadlineScan {
  /** Redis server time of the read. */
  now: number;
  horizonMs: number;
  /**
   * Open records with now < due_at <= now + horizonMs, whatever the filter and the target (a lower bound
   * when truncated); per target in `cells`.
   */
  dueWithin: number;
  /** The due-soon counts (and a filtered list) cover only the members visited: lower bounds. */
  truncated: boolean;
  /** All overdue comments, whatever the filter and the cap... */
  overdueTotal: number;
  /** ...unless the sweepers are so far behind that it is a lower bound too. */
  overdueTotalExact: boolean;
  /** Per region, category and priority, whatever the filter. */
  cells: DeadlineCell[];
  /** The oldest overdue comments that match the filter, oldest due_at first, at most `limit`. */
  overdue: OverdueComment[];
}

export interface DeadlineOptions {
  /** Overdue comments to list (default 20). */
  limit?: number;
  /** Window of "due soon" (default one hour). */
  horizonMs?: number;
  /** Members one shard may visit per set before it reports `truncated` (default 50,000). */
  cap?: number;
  filter?: CommentFilter;
}

export const DEFAULT_DEADLINE_OPTIONS = { limit: 20, horizonMs: 3_600_000, cap: 50_000 } as const;

/** One shard's reply: now, truncated, flat counts, rows, overdue total, exact. */
export type DeadlineReply = [number, number, (Buffer | number)[], (Buffer | number)[][], number, number];

/** The suffix scan_deadlines.lua gives the cells of the other targets. */
const CELL_TARGETS: Record<string, SlaTarget> = { F: 'FINAL_ANSWER', N: 'NEXT_REPLY' };

/** Sums the shards' replies into one scan. */
export function mergeDeadlineReplies(
  replies: readonly DeadlineReply[],
  limit: number,
  horizonMs: number,
): DeadlineScan {
  const now = Math.max(...replies.map(([shardNow]) => Number(shardNow)));
  const cells = new Map<string, DeadlineCell>();
  for (const [, , flat] of replies) {
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const dim = String(flat[i]);
      let cell = cells.get(dim);
      if (!cell) {
        const [region = '', category = '', priority = '', target = ''] = dim.split('|');
        cells.set(
          dim,
          (cell = {
            target: CELL_TARGETS[target] ?? 'FIRST_REPLY',
            region,
            category,
            priority,
            overdueUnclaimed: 0,
            dueSoon: 0,
          }),
        );
      }
      cell.overdueUnclaimed += Number(flat[i + 1]);
      cell.dueSoon += Number(flat[i + 2]);
    }
  }
  const overdue = replies
    .flatMap(([, , , rows]) => rows.map((row) => overdueCommentOf(row, now)))
    .sort((a, b) => a.dueAt - b.dueAt || a.commentKey.localeCompare(b.commentKey))
    .slice(0, limit);
  return {
    now,
    horizonMs,
    dueWithin: [...cells.values()].reduce((sum, cell) => sum + cell.dueSoon, 0),
    truncated: replies.some(([, truncated]) => Number(truncated) === 1),
    overdueTotal: replies.reduce((sum, r) => sum + Number(r[4]), 0),
    overdueTotalExact: replies.every((r) => Number(r[5]) === 1),
    cells: [...cells.values()],
    overdue,
  };
}

function overdueCommentOf(row: (Buffer | number)[], now: number): OverdueComment {
  const { comment, alert, target } = commentRowOf(row);
  return { ...comment, target, lateMs: now - comment.dueAt, nextAlert: alert };
}

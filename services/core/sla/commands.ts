import type {
  Category,
  CommentType,
  OperatorAction,
  Platform,
  Priority,
} from '../contracts/schema-types.generated.js';

/** What the alert payload needs from the comment; stored with its open SLA. */
export interface OpenSlaCommand {
  kind: 'open';
  commentKey: string;
  shard: number;
  platform: Platform;
  commentId: string;
  threadId: string;
  pageId: string;
  region: string;
  municipality: string | null;
  category: Category;
  priority: Priority;
  postedAt: number;
  warnAt: number;
  dueAt: number;
  policyId: string;
  escalationIntervalMs: number;
  maxEscalationLevel: number;
  excerpt: string;
  url: string | null;
  /** The classifier's type; the appeal lifecycle re-plans with it (absent: a complaint). */
  type?: CommentType;
  /**
   * The key of the comment this one replies to. Under the appeal lifecycle, a citizen's comment under an
   * appeal that had an official reply (or under that reply) is the appeal's follow-up, not an appeal.
   */
  parentKey?: string | null;
}

export interface AnswerSlaCommand {
  kind: 'answer';
  /** The answered comment's key (the reply's parent). */
  commentKey: string;
  shard: number;
  answeredAt: number;
  /** The reply's own key: a citizen's comment under it belongs to the same appeal. */
  replyKey?: string;
  /** A bare template (docs/sla-policy.md#what-counts-as-a-reply): ends the first reply only. */
  interim?: boolean;
}

/** A reply's id in its appeal's `seen` (core/sla/appeal.ts), whether it came before or after its comment. */
export function replyIdOf(c: AnswerSlaCommand): string {
  return c.replyKey ?? `${c.commentKey}@${c.answeredAt}`;
}

export interface CancelSlaCommand {
  kind: 'cancel';
  commentKey: string;
  shard: number;
}

export interface NotActionableCommand {
  kind: 'notActionable';
  commentKey: string;
  shard: number;
  region: string;
  category: Category;
  priority: Priority;
}

/** An operator's action on the appeal opened by `commentKey` (issue #16). */
export interface ActionCommand {
  kind: 'action';
  commentKey: string;
  shard: number;
  action: OperatorAction;
}

/** One atomic, idempotent SLA transition, decided by the pure core and applied by a Redis script. */
export type SlaCommand = OpenSlaCommand | AnswerSlaCommand | CancelSlaCommand | NotActionableCommand;

/** What a transition did: apply_batch.lua answers one letter per transition for one of these. */
export const SLA_OUTCOMES = [
  'OPENED',
  'ANSWERED_BEFORE',
  'DELETED_BEFORE',
  'ANSWERED',
  'ANSWERED_EARLY',
  'CANCELLED',
  'DELETED_EARLY',
  'RECORDED',
  'DUPLICATE',
] as const;
/**
 * A citizen's follow-up of an appeal (the appeal lifecycle decides it, never apply_batch): it started a
 * next reply or reopened the appeal, or changed nothing (a reply was awaited already, or it was closed).
 */
export const FOLLOW_UP_OUTCOMES = ['FOLLOW_UP', 'FOLLOW_UP_IGNORED'] as const;
export type SlaOutcome = (typeof SLA_OUTCOMES)[number] | (typeof FOLLOW_UP_OUTCOMES)[number];

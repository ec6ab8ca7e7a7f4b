import type { Category, Platform, Priority } from '../contracts/schema-types.generated.js';

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
}

export interface AnswerSlaCommand {
  kind: 'answer';
  /** The answered comment's key (the reply's parent). */
  commentKey: string;
  shard: number;
  answeredAt: number;
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
export type SlaOutcome = (typeof SLA_OUTCOMES)[number];

/**
 * Workloads: streams of CommentEvents whose outcome is known before they are sent. There are three
 * builders over the pieces of this file, one per use, each in its own file:
 * - runtime.ts (buildWorkload): the integration tests. Counts of replies, deletes, duplicates, edits
 *   and bad input chosen by the test; the expected SLA counters and classified outputs.
 * - chaos.ts (buildChaosWorkload): the chaos run. Each comment gets a fate on a timeline (in time,
 *   late, never answered, deleted) so that alerts, escalations and late answers are exact-checked.
 * - bench.ts (benchWorkload): the end-to-end benchmark. A plain 90/7/3 mix of comments, replies and
 *   edits, each event yielding one output, with counts to check the run against.
 * They are not merged into one builder with options: each has its own expectation model (counters
 * only; counters with alert ids and quiet keys; counts) and its own ordering rules, and one function
 * with all three would make each harder to read and easy to break for the other two. What they share
 * lives here: the seeded random (../random.ts), the comment texts (../comment-texts.ts), the message
 * shape, the malformed bytes, the zero counters and the question "does this comment open an SLA?".
 */
import { classify } from '../../../services/core/classifier/index.js';
import { encodeCommentEvent } from '../../../services/core/contracts/index.js';
import type { CommentEvent } from '../../../services/core/contracts/schema-types.generated.js';
import type { CounterTotals } from '../../../services/core/sla/counters.js';
import type { OpenSlaCommand } from '../../../services/core/sla/commands.js';
import { planSla, type PlanOptions } from '../../../services/core/sla/plan.js';
import type { PolicyConfig } from '../../../services/core/sla/policy.js';
import { commentKeyOf } from '../../../services/core/sla/shard.js';

/** One Kafka message of a workload. */
export interface WorkloadMessage {
  key: string;
  value: Buffer;
}

/** The event encoded as the worker reads it, keyed by its comment unless `key` says otherwise. */
export function messageOf(event: CommentEvent, key = commentKeyOf(event.platform, event.comment_id)) {
  return { key, value: encodeCommentEvent(event) } satisfies WorkloadMessage;
}

/** Bytes that are not a wire-format Avro CommentEvent: plain text, an unknown schema id, one byte. */
export function malformedValue(n: number): Buffer {
  const kinds = [
    Buffer.from(`not avro at all ${n}`),
    Buffer.from([0, 0, 0, 0x7f, 0x7f, n & 0xff, 1, 2, 3]),
    Buffer.from([0]),
  ];
  return Buffer.from(kinds[n % kinds.length] as Buffer);
}

export function zeroTotals(): CounterTotals {
  return {
    opened: 0,
    open: 0,
    overdue: 0,
    warned: 0,
    breached: 0,
    escalated: 0,
    answered_in_time: 0,
    answered_late: 0,
    cancelled: 0,
    not_actionable: 0,
  };
}

/** The worker's own decision (classifier, then policy): the SLA it opens for `comment`, if any. */
export function slaOpenedFor(
  comment: CommentEvent,
  policies: PolicyConfig,
  plan: PlanOptions,
): OpenSlaCommand | undefined {
  const verdict = classify({ text: comment.text, postedAt: comment.posted_at, region: comment.region });
  const command = planSla(comment, verdict, policies, plan).command;
  return command?.kind === 'open' ? command : undefined;
}

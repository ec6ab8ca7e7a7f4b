/** The integration tests' workload (see pieces.ts for why each use has its own builder). */
import type { CommentEvent } from '../../../services/core/contracts/schema-types.generated.js';
import type { CounterTotals } from '../../../services/core/sla/counters.js';
import type { PlanOptions } from '../../../services/core/sla/plan.js';
import type { PolicyConfig } from '../../../services/core/sla/policy.js';
import { createCommentFactory } from '../comment-texts.js';
import { seededRandom } from '../random.js';
import { malformedValue, messageOf, slaOpenedFor, zeroTotals, type WorkloadMessage } from './pieces.js';

export type { WorkloadMessage };

export interface WorkloadOptions {
  runId: string;
  seed: number;
  /** Citizens' new comments; every other kind of event refers to one of them. */
  comments: number;
  /** Official replies, to actionable comments that are not deleted. */
  replies: number;
  /** Deletes, of comments that get no reply. */
  deletes: number;
  /** Exact re-sends of an earlier comment or reply (a producer retrying). */
  duplicates: number;
  /** EDITED events of earlier comments, with new text. */
  edits: number;
  /** Messages that must land in the dead-letter topic. */
  badMessages: number;
  policies: PolicyConfig;
  plan: PlanOptions;
  /** Event time of the comments; replies come 5 minutes later, well within every default target. */
  postedAt: number;
}

export interface Workload {
  /** In production order; an event always comes after the comment it refers to. */
  messages: WorkloadMessage[];
  /** The SLA counters once every message was processed, however often and by whomever. */
  expected: CounterTotals;
  /** Keys that must each have at least one classified output. */
  classifiedKeys: Set<string>;
  /** Messages that are not deletes or bad input: each yields one classified output per processing. */
  classifiedMessages: number;
  badMessages: number;
}

/**
 * A known mix of comments, replies, deletes, duplicates, edits and bad input whose final SLA counters are
 * known in advance. The expectation leans on the pure core only to tell actionable comments from the
 * rest (planSla of the worker's own policy); the rest follows from docs/design.md#sla-semantics: a reply closes in time, a
 * delete cancels, a duplicate or an edit changes nothing, bad input changes nothing. Follow-ups are
 * placed after their comment in production order, so a delete always meets its comment on the same
 * partition in order; replies, keyed by their own id, may overtake their comment on another partition.
 */
export function buildWorkload(options: WorkloadOptions): Workload {
  const rnd = seededRandom(options.seed);
  const factory = createCommentFactory(options.runId, options.seed);
  const comments = Array.from({ length: options.comments }, () => factory.comment(options.postedAt));
  const actionable = comments.map((c) => slaOpenedFor(c, options.policies, options.plan) !== undefined);

  const order = comments.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const replied = new Set<number>();
  const deleted = new Set<number>();
  for (const i of order) if (replied.size < options.replies && actionable[i]) replied.add(i);
  for (const i of order.reverse()) if (deleted.size < options.deletes && !replied.has(i)) deleted.add(i);
  if (replied.size < options.replies) throw new Error('not enough actionable comments for the replies');
  if (deleted.size < options.deletes) throw new Error('not enough comments for the deletes');

  // Follow-ups wait a few comments before they are sent, like real traffic.
  const followUps: { due: number; message: WorkloadMessage }[] = [];
  const messages: WorkloadMessage[] = [];
  let classifiedMessages = 0;
  const deletions = new Set<Buffer>();
  const emit = (event: CommentEvent) => messageOf(event);
  const push = (...batch: WorkloadMessage[]) => {
    for (const m of batch) if (!m.key.startsWith('bad:') && !deletions.has(m.value)) classifiedMessages++;
    messages.push(...batch);
  };
  const later = (at: number, message: WorkloadMessage) =>
    followUps.push({ due: at + 1 + Math.floor(rnd() * 40), message });

  const sent: WorkloadMessage[] = [];
  let duplicatesLeft = options.duplicates;
  let editsLeft = options.edits;
  let badLeft = options.badMessages;
  const perComment = (n: number) => n / Math.max(1, options.comments);
  comments.forEach((comment, i) => {
    const message = emit(comment);
    push(message);
    sent.push(message);
    if (replied.has(i)) {
      const reply = emit(factory.reply(comment, comment.posted_at + 5 * 60_000));
      later(i, reply);
      sent.push(reply);
    }
    if (deleted.has(i)) {
      const deletion = emit(factory.deletion(comment, comment.posted_at + 60_000));
      deletions.add(deletion.value);
      later(i, deletion);
    }
    if (editsLeft > 0 && !deleted.has(i) && rnd() < perComment(options.edits) * 1.5) {
      editsLeft--;
      const edited = factory.comment(comment.posted_at);
      later(i, emit({ ...comment, event_id: `${comment.comment_id}-e`, op: 'EDITED', text: edited.text }));
    }
    if (duplicatesLeft > 0 && rnd() < perComment(options.duplicates) * 1.5) {
      duplicatesLeft--;
      later(i, sent[Math.floor(rnd() * sent.length)] as WorkloadMessage);
    }
    if (badLeft > 0 && rnd() < perComment(options.badMessages) * 1.5) {
      badLeft--;
      push(badMessage(options.runId, badLeft));
    }
    for (let f = followUps.length - 1; f >= 0; f--) {
      if ((followUps[f] as { due: number }).due <= i) push(...followUps.splice(f, 1).map((x) => x.message));
    }
  });
  push(...followUps.map((f) => f.message));
  // Whatever the random draw left over goes at the end (still after the comments it refers to).
  for (; duplicatesLeft > 0; duplicatesLeft--) push(sent[Math.floor(rnd() * sent.length)] as WorkloadMessage);
  for (; editsLeft > 0; editsLeft--) {
    const i = order.find((j) => !deleted.has(j)) as number;
    const comment = comments[i] as CommentEvent;
    push(emit({ ...comment, event_id: `${comment.comment_id}-e${editsLeft}`, op: 'EDITED' }));
  }
  for (; badLeft > 0; badLeft--) push(badMessage(options.runId, badLeft));

  let opened = 0;
  let open = 0;
  let cancelled = 0;
  comments.forEach((_, i) => {
    if (!actionable[i]) return;
    opened++;
    if (deleted.has(i)) cancelled++;
    else if (!replied.has(i)) open++;
  });
  const classifiedKeys = new Set(sent.map((m) => m.key));
  return {
    messages,
    expected: {
      ...zeroTotals(),
      opened,
      open,
      answered_in_time: replied.size,
      cancelled,
      not_actionable: actionable.filter((a) => !a).length,
    },
    classifiedKeys,
    classifiedMessages,
    badMessages: options.badMessages,
  };
}

function badMessage(runId: string, n: number): WorkloadMessage {
  return { key: `bad:${runId}:${n}`, value: malformedValue(n) };
}

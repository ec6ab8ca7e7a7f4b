/** The chaos run's workload (see pieces.ts for why each use has its own builder). */
import { alertIdOf } from '../../../services/core/sla/alert.js';
import type { CounterTotals } from '../../../services/core/sla/counters.js';
import type { PlanOptions } from '../../../services/core/sla/plan.js';
import type { PolicyConfig } from '../../../services/core/sla/policy.js';
import { commentKeyOf } from '../../../services/core/sla/shard.js';
import { createCommentFactory } from '../comment-texts.js';
import { seededRandom } from '../random.js';
import { malformedValue, messageOf, slaOpenedFor, zeroTotals, type WorkloadMessage } from './pieces.js';

export type Fate = 'in_time' | 'late' | 'never' | 'deleted' | 'not_actionable';

export type ChaosMessage = WorkloadMessage;

export interface ChaosWorkload {
  messages: ChaosMessage[];
  comments: number;
  fates: Record<Fate, number>;
  duplicates: number;
  expected: CounterTotals;
  /** alert_id of every alert that must be published (each at least once), and no other. */
  expectedAlerts: Set<string>;
  /** Comment keys that must never get an alert (answered in time, deleted). */
  quietKeys: Set<string>;
  /** Kafka keys of the malformed messages: the dead-letter topic must hold exactly these. */
  badKeys: Set<string>;
}

const MIN = 60_000;
const DAY = 86_400_000;

/**
 * A stream whose outcome is known before it is sent. Each comment gets a fate:
 * - in time: posted 10 minutes ago, an official reply 5 minutes later (keyed by the reply, so it may
 *   overtake its comment); no alert.
 * - late: posted 20 days ago; the reply (event time a minute ago, after every deadline) is sent BEFORE
 *   the comment on the comment's key, so the comment arrives already answered, late; no alert.
 * - never: posted 20 days ago, never answered: BREACH at once and every escalation (all in the past).
 * - deleted: posted 10 minutes ago and deleted; no alert.
 * - not actionable: what the classifier and the policy say needs no reply.
 * A share of messages is sent twice (exact re-sends, later in the stream) and a share is malformed.
 * The expectation uses the pure core only for what the worker's own policy decides (actionable or not,
 * due_at and escalations); everything else follows from docs/design.md#sla-semantics.
 */
export function buildChaosWorkload(options: {
  runId: string;
  seed: number;
  comments: number;
  now: number;
  policies: PolicyConfig;
  plan: PlanOptions;
}): ChaosWorkload {
  const rnd = seededRandom(options.seed);
  const factory = createCommentFactory(options.runId, options.seed);
  const recent = options.now - 10 * MIN;
  const old = options.now - 20 * DAY;
  const messages: ChaosMessage[] = [];
  const resend: ChaosMessage[] = [];
  const fates: Record<Fate, number> = { in_time: 0, late: 0, never: 0, deleted: 0, not_actionable: 0 };
  const expected: CounterTotals = zeroTotals();
  const expectedAlerts = new Set<string>();
  const quietKeys = new Set<string>();
  const badKeys = new Set<string>();
  const emit = messageOf;
  const send = (m: ChaosMessage) => {
    messages.push(m);
    if (rnd() < 0.05) resend.push(m);
  };

  for (let i = 0; i < options.comments; i++) {
    const roll = rnd();
    const wanted: Fate = roll < 0.3 ? 'in_time' : roll < 0.45 ? 'late' : roll < 0.6 ? 'never' : 'deleted';
    const postedAt = wanted === 'late' || wanted === 'never' ? old : recent;
    const comment = factory.comment(postedAt);
    const key = commentKeyOf(comment.platform, comment.comment_id);
    const command = slaOpenedFor(comment, options.policies, options.plan);
    if (!command) {
      fates.not_actionable++;
      expected.not_actionable++;
      send(emit(comment));
      continue;
    }
    fates[wanted]++;
    expected.opened++;
    if (wanted === 'in_time') {
      expected.answered_in_time++;
      quietKeys.add(key);
      send(emit(comment));
      const reply = factory.reply(comment, postedAt + 5 * MIN);
      send(emit(reply));
    } else if (wanted === 'late') {
      const answeredAt = options.now - MIN;
      if (answeredAt <= command.dueAt) throw new Error(`a late reply would be in time for ${key}`);
      expected.answered_late++;
      quietKeys.add(key);
      send(emit(factory.reply(comment, answeredAt), key));
      send(emit(comment));
    } else if (wanted === 'never') {
      expected.open++;
      // Its BREACH is claimed: it enters the late wheel and stays (the late ones arrive answered).
      expected.overdue++;
      expected.breached++;
      expectedAlerts.add(alertIdOf(key, 'BREACH', 0));
      for (let level = 1; level <= command.maxEscalationLevel && command.escalationIntervalMs > 0; level++) {
        if (command.dueAt + level * command.escalationIntervalMs > options.now) {
          throw new Error(`escalation ${level} of ${key} is not due yet`);
        }
        expected.escalated++;
        expectedAlerts.add(alertIdOf(key, 'ESCALATION', level));
      }
      send(emit(comment));
    } else {
      expected.cancelled++;
      quietKeys.add(key);
      send(emit(comment));
      send(emit(factory.deletion(comment, postedAt + MIN)));
    }
    if (rnd() < 0.01) {
      const badKey = `bad:${options.runId}:${badKeys.size}`;
      badKeys.add(badKey);
      messages.push({ key: badKey, value: malformedValue(badKeys.size) });
    }
  }
  // Re-sends go after everything they could refer to, so they never change an outcome's order.
  messages.push(...resend);
  return {
    messages,
    comments: options.comments,
    fates,
    duplicates: resend.length,
    expected,
    expectedAlerts,
    quietKeys,
    badKeys,
  };
}

/** The chaos run's workload (see pieces.ts for why each use has its own builder). */
import { buildOperatorAction } from '../../../services/apps/cli/commands/act.js';
import { encodeOperatorAction, type Priority } from '../../../services/core/contracts/index.js';
import { alertIdOf } from '../../../services/core/sla/alert.js';
import type { CounterTotals } from '../../../services/core/sla/counters.js';
import type { PlanOptions } from '../../../services/core/sla/plan.js';
import type { PolicyConfig } from '../../../services/core/sla/policy.js';
import { commentKeyOf } from '../../../services/core/sla/shard.js';
import { createCommentFactory } from '../comment-texts.js';
import { seededRandom } from '../random.js';
import { malformedValue, messageOf, slaOpenedFor, zeroTotals, type WorkloadMessage } from './pieces.js';

export type Fate = 'in_time' | 'interim' | 'late' | 'never' | 'deleted' | 'not_actionable';

export type ChaosMessage = WorkloadMessage;

/** An operator action for the actions topic, sent once `after` messages of the stream have been sent. */
export interface ChaosAction extends WorkloadMessage {
  after: number;
}

/**
 * The appeal lifecycle's counters (issue #16) the run must end with: the final answer's, the `paused`
 * gauge, and the corrections logged (RECLASSIFIED, once per action id).
 */
export const LIFECYCLE_METRICS = [
  'final_opened',
  'final_open',
  'final_overdue',
  'final_breached',
  'final_answered_in_time',
  'final_answered_late',
  'next_opened',
  'paused',
  'corrections',
] as const;
export type LifecycleTotals = Record<(typeof LIFECYCLE_METRICS)[number], number>;

export interface ChaosWorkload {
  messages: ChaosMessage[];
  comments: number;
  fates: Record<Fate, number>;
  duplicates: number;
  expected: CounterTotals;
  /** Operator actions (issue #16), among the comments, some sent twice with the same action id. */
  actions: ChaosAction[];
  /** Actions per kind (distinct action ids). */
  actionKinds: Record<string, number>;
  expectedLifecycle: LifecycleTotals;
  /** alert_id of every alert that must be published (each at least once), and no other. */
  expectedAlerts: Set<string>;
  /** Comment keys that must never get an alert (answered in time, deleted). */
  quietKeys: Set<string>;
  /** Kafka keys of the malformed messages: the dead-letter topic must hold exactly these. */
  badKeys: Set<string>;
}

const MIN = 60_000;
const PRIORITIES: readonly Priority[] = ['critical', 'high', 'normal', 'low'];
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
 * - interim: posted 10 minutes ago, no official reply: an operator's INTERIM_REPLY 5 minutes later ends
 *   its first reply in time and starts its final answer; no alert.
 * A share of messages is sent twice (exact re-sends, later in the stream) and a share is malformed.
 *
 * Operator actions (issue #16) go to the actions topic, interleaved with the stream, so an action may
 * arrive before its comment (it waits and is applied when the comment comes). They are chosen so that
 * their outcome does not depend on the order in which an action and its comment's messages arrive: an
 * answered appeal's final answer (7 working days from the first reply, no alert within the run) is
 * PAUSED, PAUSED then RESUMED, RESOLVED (only for the late ones, whose reply always precedes their
 * comment on its key) or RECLASSIFIED to another priority (its counters move bucket, totals stay; the
 * correction is logged once). A share of actions is sent again with the same action id.
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
  /**
   * Operator actions (the chaos run): without them (a worker without the actions topic) every appeal
   * is answered as before and `actions` is empty.
   */
  operatorActions?: boolean;
}): ChaosWorkload {
  const withActions = options.operatorActions ?? false;
  const rnd = seededRandom(options.seed);
  const factory = createCommentFactory(options.runId, options.seed);
  const recent = options.now - 10 * MIN;
  const old = options.now - 20 * DAY;
  const messages: ChaosMessage[] = [];
  const resend: ChaosMessage[] = [];
  const fates: Record<Fate, number> = {
    in_time: 0,
    interim: 0,
    late: 0,
    never: 0,
    deleted: 0,
    not_actionable: 0,
  };
  const expected: CounterTotals = zeroTotals();
  const expectedAlerts = new Set<string>();
  const quietKeys = new Set<string>();
  const badKeys = new Set<string>();
  const actions: ChaosAction[] = [];
  const actionResends: ChaosAction[] = [];
  const actionKinds: Record<string, number> = {};
  const lifecycle = Object.fromEntries(LIFECYCLE_METRICS.map((m) => [m, 0])) as LifecycleTotals;
  const act = (
    key: string,
    name: string,
    at: number,
    extra: { reason?: string; priority?: Priority } = {},
  ) => {
    // Built and checked as `otklik act` builds them; the id is fixed, so a re-send is the same action.
    const action = buildOperatorAction(
      key,
      name,
      {
        operator: 'chaos-operator',
        actionId: `${key}:${name}`,
        at: new Date(at).toISOString(),
        format: 'avro',
        ...extra,
      },
      options.now,
    );
    actionKinds[action.kind] = (actionKinds[action.kind] ?? 0) + 1;
    const message = { key, value: encodeOperatorAction(action), after: messages.length };
    actions.push(message);
    if (rnd() < 0.2) actionResends.push(message);
  };
  const emit = messageOf;
  const send = (m: ChaosMessage) => {
    messages.push(m);
    if (rnd() < 0.05) resend.push(m);
  };

  for (let i = 0; i < options.comments; i++) {
    const roll = rnd();
    const wanted: Fate =
      roll < 0.2
        ? 'in_time'
        : roll < 0.3
          ? withActions
            ? 'interim'
            : 'in_time'
          : roll < 0.45
            ? 'late'
            : roll < 0.6
              ? 'never'
              : 'deleted';
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
      // The reply starts the final answer; a pause (whether it comes before the reply or after) leaves
      // the appeal paused, a resume ends it.
      lifecycle.final_opened++;
      lifecycle.final_open++;
      const actionRoll = withActions ? rnd() : 1;
      if (actionRoll < 0.4) {
        act(key, 'paused', postedAt + 6 * MIN, { reason: rnd() < 0.5 ? 'citizen' : 'agency' });
        if (actionRoll < 0.15) act(key, 'resumed', postedAt + 7 * MIN);
        else lifecycle.paused++;
      }
    } else if (wanted === 'interim') {
      expected.answered_in_time++;
      quietKeys.add(key);
      send(emit(comment));
      act(key, 'interim-reply', postedAt + 5 * MIN);
      lifecycle.final_opened++;
      lifecycle.final_open++;
    } else if (wanted === 'late') {
      const answeredAt = options.now - MIN;
      if (answeredAt <= command.dueAt) throw new Error(`a late reply would be in time for ${key}`);
      expected.answered_late++;
      quietKeys.add(key);
      send(emit(factory.reply(comment, answeredAt), key));
      send(emit(comment));
      // The reply reaches the worker before its comment (same key), so it is applied first whatever
      // the actions' order: the final answer runs from it.
      lifecycle.final_opened++;
      const actionRoll = withActions ? rnd() : 1;
      const actedAt = options.now - MIN / 2;
      if (actionRoll < 0.3) {
        act(key, 'resolved', actedAt);
        lifecycle.final_answered_in_time++;
      } else {
        lifecycle.final_open++;
        if (actionRoll < 0.5) {
          const others = PRIORITIES.filter((p) => p !== command.priority);
          act(key, 'reclassified', actedAt, { priority: others[Math.floor(rnd() * others.length)] });
          lifecycle.corrections++;
        } else if (actionRoll < 0.6) {
          act(key, 'paused', actedAt, { reason: 'citizen' });
          lifecycle.paused++;
        }
      }
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
  for (const message of actionResends) actions.push({ ...message, after: messages.length });
  return {
    messages,
    comments: options.comments,
    fates,
    duplicates: resend.length + actionResends.length,
    expected,
    actions,
    actionKinds,
    expectedLifecycle: lifecycle,
    expectedAlerts,
    quietKeys,
    badKeys,
  };
}

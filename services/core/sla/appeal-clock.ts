import type { Calendar } from '../calendar/index.js';
import type { Category, CommentType, Priority } from '../contracts/schema-types.generated.js';
import { computeFinalDeadlines, resolveFinalAnswer } from './policy-lifecycle.js';
import { computeDeadlines, resolvePolicy, type PolicyConfig } from './policy.js';

import type { SlaTarget } from '../contracts/schema-types.generated.js';

/** The targets an appeal is held to (docs/sla-policy.md#two-targets): the alert schema's `target`. */
export { SLA_TARGET_SYMBOLS as SLA_TARGETS, type SlaTarget } from '../contracts/schema-types.generated.js';

export interface AppealSubject {
  region: string;
  category: Category;
  type: CommentType;
  priority: Priority;
}

/**
 * One running deadline. The base instants are the plan without pauses; the effective ones add the
 * working time of the pauses (`pausedMs`), so a re-plan (reclassification, recompute) keeps the pauses.
 */
export interface Clock {
  target: SlaTarget;
  policyId: string;
  /** What the target is counted from: posted_at, the follow-up's posted_at, or the first reply. */
  startedAt: number;
  baseWarnAt: number;
  baseDueAt: number;
  /** Working time of finished pauses, added to the base instants. */
  pausedMs: number;
  warnAt: number;
  dueAt: number;
  /** Stopped by the appeal's current pause (it was not late when the pause began). */
  paused: boolean;
  /** False while paused with no cap: no alert is scheduled. */
  running: boolean;
  escalationIntervalMs: number;
  maxEscalationLevel: number;
  /**
   * A final answer's or next reply's: the priority its `<target>_opened` was counted under when an
   * incident's raise moved its gauges since (absent: the appeal's subject's), so a later correction
   * moves it from there.
   */
  openedPriority?: Priority;
}

/** The clock of `target` counted from `startedAt` under `config`; null when the subject opens no SLA. */
export function planClock(
  config: PolicyConfig,
  subject: AppealSubject,
  target: SlaTarget,
  startedAt: number,
  pausedMs = 0,
): Clock | null {
  let resolved;
  let deadlines;
  if (target === 'FINAL_ANSWER') {
    resolved = resolveFinalAnswer(config, subject);
    deadlines = resolved && computeFinalDeadlines(resolved, startedAt);
  } else {
    resolved = resolvePolicy(config, subject);
    deadlines = resolved && computeDeadlines(resolved, startedAt);
  }
  if (!resolved || !deadlines) return null;
  const { warnAtMs, dueAtMs } = deadlines;
  return shifted(
    {
      target,
      policyId: resolved.policyId,
      startedAt,
      baseWarnAt: warnAtMs,
      baseDueAt: dueAtMs,
      pausedMs,
      warnAt: warnAtMs,
      dueAt: dueAtMs,
      paused: false,
      running: true,
      escalationIntervalMs: resolved.escalationIntervalMs,
      maxEscalationLevel: resolved.maxEscalationLevel,
    },
    resolved.calendar,
    pausedMs,
  );
}

/** The clock with its effective instants moved by `extraMs` of working time past its base. */
export function shifted(clock: Clock, calendar: Calendar, extraMs: number): Clock {
  return {
    ...clock,
    warnAt: calendar.addWorkingTime(clock.baseWarnAt, extraMs),
    dueAt: calendar.addWorkingTime(clock.baseDueAt, extraMs),
  };
}

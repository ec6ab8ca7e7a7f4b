import type {
  Assignment,
  OperatorAction,
  PauseReason,
  Priority,
} from '../contracts/schema-types.generated.js';
import { planClock, shifted, type AppealSubject, type Clock, type SlaTarget } from './appeal-clock.js';
import { calendarFor, type PolicyConfig } from './policy.js';

export { SLA_TARGETS, type AppealSubject, type Clock, type SlaTarget } from './appeal-clock.js';

/**
 * The whole life of an appeal as a pure state machine (docs/sla-policy.md#the-whole-life-of-an-appeal):
 * the first reply, the final answer, pauses, a citizen's follow-up, reopening and corrections. Every
 * input carries its own event time and an id; the same id twice changes nothing, and every instant is
 * computed here, in the region's calendar, so what stores the state only has to keep and schedule it.
 */
export type AppealStatus = 'OPEN' | 'RESOLVED' | 'NOT_ACTIONABLE' | 'CANCELLED';

export interface AppealPause {
  since: number;
  reason: PauseReason;
  /** Working time this pause may still take under the policy's cap; null: no cap. */
  budgetMs: number | null;
}

export interface AppealState {
  key: string;
  subject: AppealSubject;
  postedAt: number;
  status: AppealStatus;
  /** The running FIRST_REPLY or NEXT_REPLY clock, until the reply. */
  reply: Clock | null;
  /** The running FINAL_ANSWER clock, from the first reply until RESOLVED. */
  final: Clock | null;
  /** Set by the first official reply (or INTERIM_REPLY): a citizen's comment after it is a follow-up. */
  repliedAt: number | null;
  /** Reopened: the next reply starts a new final answer. */
  finalOnNextReply: boolean;
  pause: AppealPause | null;
  /** Working time of all pauses so far, against the policy's cap. */
  pausedTotalMs: number;
  reopened: number;
  assignment: Assignment | null;
  /** Ids of the inputs applied (action ids, comment keys of replies and follow-ups). */
  seen: string[];
  /**
   * Set by an incident's raise (`raised`): the priority the appeal was counted `opened` under before it,
   * so a later correction moves `opened` from there (absent: never raised, or a state written before).
   */
  raisedFrom?: Priority;
}

export type AppealInput =
  | { kind: 'reply'; id: string; at: number; interim: boolean }
  | { kind: 'followUp'; id: string; at: number; actionable: boolean; priority: Priority }
  | { kind: 'deleted'; id: string; at: number }
  /** A member of an open incident: its priority goes up `steps` (docs/incidents.md#consequences). */
  | { kind: 'raised'; id: string; steps: number }
  | { kind: 'action'; action: OperatorAction };

/** What a step did besides the new state; the store turns these into schedule and counter changes. */
export type AppealEffect =
  /** A target ended with an answer, counted in time or late. */
  | { kind: 'met'; target: SlaTarget; inTime: boolean; at: number; clock: Clock }
  /** A target ended without an answer due (not actionable, deleted): counted apart. */
  | { kind: 'dropped'; target: SlaTarget; clock: Clock }
  /** A clock started or was re-planned: (re)schedule its alerts; `running: false` unschedules them. */
  | { kind: 'planned'; clock: Clock }
  /**
   * The counters move from the old subject's bucket to the new one. `openedFrom`: the priority the
   * appeal was counted `opened` under when an incident's raise changed it since (the gauges are in
   * `from`'s bucket, `opened` in that one's).
   */
  | {
      kind: 'reclassified';
      from: AppealSubject;
      to: AppealSubject;
      openedFrom?: Priority;
      /** The same for the other targets' `opened` (Clock.openedPriority). */
      targetsOpenedFrom?: Partial<Record<SlaTarget, Priority>>;
    }
  /** An incident's raise: the running records' gauges (not `opened`) move to the raised bucket. */
  | { kind: 'raised'; from: AppealSubject; to: AppealSubject }
  | { kind: 'closedNotActionable' }
  /** A follow-up after RESOLVED under `reopen: new-appeal`: the follow-up opens an appeal of its own. */
  | { kind: 'newAppeal' };

export type AppealOutcome = 'APPLIED' | 'DUPLICATE' | 'IGNORED';

export interface AppealStep {
  state: AppealState;
  outcome: AppealOutcome;
  effects: AppealEffect[];
}

/** A new appeal of an actionable comment; null when its subject opens no SLA (noSla). */
export function openAppeal(
  config: PolicyConfig,
  key: string,
  subject: AppealSubject,
  postedAt: number,
): AppealState | null {
  const reply = planClock(config, subject, 'FIRST_REPLY', postedAt);
  if (!reply) return null;
  return { ...emptyState(key, subject, postedAt), status: 'OPEN', reply };
}

/** A citizen comment that needs no answer; kept so that a correction can still open it. */
export function notActionableAppeal(key: string, subject: AppealSubject, postedAt: number): AppealState {
  return emptyState(key, subject, postedAt);
}

function emptyState(key: string, subject: AppealSubject, postedAt: number): AppealState {
  return {
    key,
    subject,
    postedAt,
    status: 'NOT_ACTIONABLE',
    reply: null,
    final: null,
    repliedAt: null,
    finalOnNextReply: false,
    pause: null,
    pausedTotalMs: 0,
    reopened: 0,
    assignment: null,
    seen: [],
  };
}

function idOf(input: AppealInput): string {
  return input.kind === 'action' ? `a:${input.action.action_id}` : `c:${input.id}`;
}

/** Applies one input; an id already seen gives DUPLICATE and the same state. */
export function stepAppeal(config: PolicyConfig, state: AppealState, input: AppealInput): AppealStep {
  const id = idOf(input);
  if (state.seen.includes(id)) return { state, outcome: 'DUPLICATE', effects: [] };
  const next: AppealState = { ...state, seen: [...state.seen, id] };
  const effects: AppealEffect[] = [];
  const applied = transition(config, next, input, effects);
  return { state: next, outcome: applied ? 'APPLIED' : 'IGNORED', effects };
}

function transition(config: PolicyConfig, s: AppealState, input: AppealInput, out: AppealEffect[]): boolean {
  if (input.kind === 'reply') return reply(config, s, input.at, input.interim, out);
  if (input.kind === 'followUp') return followUp(config, s, input, out);
  if (input.kind === 'deleted') return close(s, 'CANCELLED', out);
  if (input.kind === 'raised') return raise(config, s, input.steps, out);
  const { action } = input;
  const at = action.acted_at;
  switch (action.kind) {
    case 'ASSIGNED':
      s.assignment = action.assignment;
      return true;
    case 'INTERIM_REPLY':
      return reply(config, s, at, true, out, true);
    case 'PAUSED':
      return pause(config, s, at, action.pause_reason ?? 'WAITING_FOR_CITIZEN', out);
    case 'RESUMED':
      return resume(config, s, at, out);
    case 'RESOLVED':
      return resolve(config, s, at, out);
    case 'REOPENED':
      return reopen(config, s, at, s.subject.priority, out);
    case 'RECLASSIFIED':
      return reclassify(config, s, action, out);
    case 'NOT_ACTIONABLE':
      return close(s, 'NOT_ACTIONABLE', out);
  }
}

/** The clock's effective deadline as of `at`: a pause still running at `at` counts up to `at`. */
function dueAsOf(config: PolicyConfig, s: AppealState, clock: Clock, at: number): number {
  if (!clock.paused) return clock.dueAt;
  const { calendar } = calendarFor(config, s.subject.region);
  return calendar.addWorkingTime(clock.baseDueAt, clock.pausedMs + pausedSoFar(config, s, at));
}

/** Working time the current pause has taken by `at`, at most its budget. */
function pausedSoFar(config: PolicyConfig, s: AppealState, at: number): number {
  if (!s.pause) return 0;
  const { calendar } = calendarFor(config, s.subject.region);
  const taken = Math.max(0, calendar.workingTimeBetween(s.pause.since, Math.max(at, s.pause.since)));
  return s.pause.budgetMs === null ? taken : Math.min(taken, s.pause.budgetMs);
}

function meet(config: PolicyConfig, s: AppealState, clock: Clock, at: number, out: AppealEffect[]): void {
  out.push({ kind: 'met', target: clock.target, inTime: at <= dueAsOf(config, s, clock, at), at, clock });
}

function startFinal(config: PolicyConfig, s: AppealState, at: number, out: AppealEffect[]): void {
  if (s.final) return;
  s.finalOnNextReply = false;
  const clock = planClock(config, s.subject, 'FINAL_ANSWER', at);
  if (!clock) return;
  s.final = clock;
  out.push({ kind: 'planned', clock });
}

function reply(
  config: PolicyConfig,
  s: AppealState,
  at: number,
  interim: boolean,
  out: AppealEffect[],
  byOperator = false,
): boolean {
  if (s.status !== 'OPEN') return false;
  const clock = s.reply;
  // A bare template acknowledges a first comment, never a citizen's follow-up; an operator's explicit
  // INTERIM_REPLY ends either. A reply older than the clock (a replay of an earlier one) ends nothing.
  const ends =
    clock !== null && at >= clock.startedAt && (!interim || byOperator || clock.target === 'FIRST_REPLY');
  const first = s.repliedAt === null;
  if (!ends && !first) return false;
  // The final answer is counted from the first reply, and after a reopening from the next one.
  if (first || s.finalOnNextReply) startFinal(config, s, at, out);
  if (ends) {
    meet(config, s, clock, at, out);
    s.reply = null;
  }
  s.repliedAt ??= at;
  return true;
}

function followUp(
  config: PolicyConfig,
  s: AppealState,
  input: { at: number; actionable: boolean; priority: Priority },
  out: AppealEffect[],
): boolean {
  if (!input.actionable || s.repliedAt === null || input.at < s.repliedAt) return false;
  if (s.status === 'RESOLVED') {
    if (config.reopen === 'new-appeal') {
      out.push({ kind: 'newAppeal' });
      return true;
    }
    return reopen(config, s, input.at, input.priority, out);
  }
  if (s.status !== 'OPEN' || s.reply !== null) return false;
  // The citizen answered what the operator waited for: the wait is over.
  if (s.pause?.reason === 'WAITING_FOR_CITIZEN') resume(config, s, input.at, out);
  return startNextReply(config, s, input.at, input.priority, out);
}

function startNextReply(
  config: PolicyConfig,
  s: AppealState,
  at: number,
  priority: Priority,
  out: AppealEffect[],
): boolean {
  const clock = planClock(config, { ...s.subject, priority }, 'NEXT_REPLY', at);
  if (!clock) return false;
  s.reply = clock;
  out.push({ kind: 'planned', clock });
  return true;
}

function reopen(
  config: PolicyConfig,
  s: AppealState,
  at: number,
  priority: Priority,
  out: AppealEffect[],
): boolean {
  if (s.status !== 'RESOLVED') return false;
  s.status = 'OPEN';
  s.reopened += 1;
  s.finalOnNextReply = true;
  return startNextReply(config, s, at, priority, out);
}

function clocksOf(s: AppealState): Clock[] {
  return [s.reply, s.final].filter((c): c is Clock => c !== null);
}

function setClock(s: AppealState, clock: Clock): void {
  if (clock.target === 'FINAL_ANSWER') s.final = clock;
  else s.reply = clock;
}

function pause(
  config: PolicyConfig,
  s: AppealState,
  at: number,
  reason: PauseReason,
  out: AppealEffect[],
): boolean {
  if (s.status !== 'OPEN' || s.pause) return false;
  const cap = config.pauses.maxPaused;
  const budgetMs = cap === undefined ? null : cap - s.pausedTotalMs;
  // The cap is used up: the clock keeps running.
  if (budgetMs !== null && budgetMs <= 0) return false;
  const { calendar } = calendarFor(config, s.subject.region);
  s.pause = { since: at, reason, budgetMs };
  for (const clock of clocksOf(s)) {
    // A deadline already past stays past: pausing a late target would hide its lateness.
    if (at >= clock.dueAt || clock.startedAt > at) continue;
    // With a cap the pause ends by itself when the budget runs out, so the deadline is known now and
    // the alerts stay scheduled for it; with none they wait for RESUMED.
    const planned =
      budgetMs === null
        ? { ...clock, paused: true, running: false }
        : { ...shifted(clock, calendar, clock.pausedMs + budgetMs), paused: true, running: true };
    setClock(s, planned);
    out.push({ kind: 'planned', clock: planned });
  }
  return true;
}

function resume(config: PolicyConfig, s: AppealState, at: number, out: AppealEffect[]): boolean {
  if (!s.pause || at < s.pause.since) return false;
  const took = pausedSoFar(config, s, at);
  const { calendar } = calendarFor(config, s.subject.region);
  for (const clock of clocksOf(s)) {
    if (!clock.paused) continue;
    const pausedMs = clock.pausedMs + took;
    const resumed = { ...shifted(clock, calendar, pausedMs), pausedMs, paused: false, running: true };
    setClock(s, resumed);
    out.push({ kind: 'planned', clock: resumed });
  }
  s.pausedTotalMs += took;
  s.pause = null;
  return true;
}

function resolve(config: PolicyConfig, s: AppealState, at: number, out: AppealEffect[]): boolean {
  if (s.status !== 'OPEN') return false;
  // The final answer is also the reply the citizen waited for.
  if (s.reply) meet(config, s, s.reply, at, out);
  if (s.final) meet(config, s, s.final, at, out);
  else {
    const clock = planClock(config, s.subject, 'FINAL_ANSWER', at);
    if (clock) out.push({ kind: 'met', target: 'FINAL_ANSWER', inTime: true, at, clock });
  }
  if (s.pause) resume(config, s, at, []);
  s.repliedAt ??= at;
  s.reply = null;
  s.final = null;
  s.finalOnNextReply = false;
  s.status = 'RESOLVED';
  return true;
}

/** Not actionable or deleted: the running targets end with no answer due. */
function close(s: AppealState, status: 'NOT_ACTIONABLE' | 'CANCELLED', out: AppealEffect[]): boolean {
  if (s.status === 'NOT_ACTIONABLE' || s.status === 'CANCELLED') return false;
  for (const clock of clocksOf(s)) out.push({ kind: 'dropped', target: clock.target, clock });
  if (status === 'NOT_ACTIONABLE') out.push({ kind: 'closedNotActionable' });
  s.reply = null;
  s.final = null;
  s.pause = null;
  s.status = status;
  return true;
}

const PRIORITY_ORDER: readonly Priority[] = ['low', 'normal', 'high', 'critical'];

/** `priority` raised `steps` steps, at most critical. */
export function raisedPriority(priority: Priority, steps: number): Priority {
  const rank = PRIORITY_ORDER.indexOf(priority);
  if (rank < 0) return priority;
  return PRIORITY_ORDER[Math.min(PRIORITY_ORDER.length - 1, rank + Math.max(0, steps))] ?? priority;
}

/**
 * A member of an open incident gets its priority raised (docs/incidents.md#consequences): the subject's
 * priority goes up, the running records' gauges (`open`, `overdue`, and the other targets') move to the
 * raised bucket once, and every running clock is planned again at the raised priority from the time it
 * was counted from, keeping its pauses (as a correction re-plans: a raise to critical past its target is
 * overdue at once). `opened` stays where the appeal was counted: the raise orders the work, it does not
 * say the classifier was wrong; `raisedFrom` keeps that priority for a later correction. Ignored when the
 * appeal is not open, already at the top, or its raised subject would open no SLA.
 */
function raise(config: PolicyConfig, s: AppealState, steps: number, out: AppealEffect[]): boolean {
  if (s.status !== 'OPEN') return false;
  const from = s.subject;
  const to: AppealSubject = { ...from, priority: raisedPriority(from.priority, steps) };
  if (to.priority === from.priority) return false;
  const trial: AppealState = { ...s, subject: to };
  const effects: AppealEffect[] = [{ kind: 'raised', from, to }];
  if (replan(config, trial, effects) === null) return false;
  // The other targets' `opened` stays where each was counted too.
  for (const clock of clocksOf(trial))
    if (clock.target !== 'FIRST_REPLY' && clock.openedPriority === undefined)
      setClock(trial, { ...clock, openedPriority: from.priority });
  Object.assign(s, trial, { raisedFrom: s.raisedFrom ?? from.priority });
  out.push(...effects);
  return true;
}

/**
 * An operator's correction: the subject changes, the counters move once, and every running clock is
 * planned again under the corrected policy from the time it was counted from, keeping its pauses (a
 * priority raised to critical gets the critical target from posted_at: overdue at once if that is past).
 */
function reclassify(
  config: PolicyConfig,
  s: AppealState,
  action: OperatorAction,
  out: AppealEffect[],
): boolean {
  const correction = action.correction;
  if (!correction || s.status === 'CANCELLED') return false;
  const from = s.subject;
  const to: AppealSubject = {
    region: from.region,
    category: correction.category ?? from.category,
    type: correction.type ?? from.type,
    priority: correction.priority ?? from.priority,
  };
  const subjectChanged =
    to.category !== from.category || to.type !== from.type || to.priority !== from.priority;
  if (subjectChanged) {
    const e: AppealEffect = { kind: 'reclassified', from, to };
    if (s.raisedFrom !== undefined) e.openedFrom = s.raisedFrom;
    for (const clock of clocksOf(s)) {
      if (clock.openedPriority === undefined) continue;
      (e.targetsOpenedFrom ??= {})[clock.target] = clock.openedPriority;
      const { openedPriority: _counted, ...moved } = clock;
      setClock(s, moved);
    }
    out.push(e);
    s.subject = to;
    // `opened` moves to the corrected bucket now: the raise is behind it.
    delete s.raisedFrom;
  }
  if (correction.actionable === false) return close(s, 'NOT_ACTIONABLE', out) || subjectChanged;
  if (s.status === 'NOT_ACTIONABLE') {
    if (correction.actionable !== true) return subjectChanged;
    // The classifier missed an appeal: it opens now, counted from the comment's own time.
    const reply = planClock(config, to, 'FIRST_REPLY', s.postedAt);
    if (!reply) return subjectChanged;
    s.status = 'OPEN';
    s.reply = reply;
    out.push({ kind: 'planned', clock: reply });
    return true;
  }
  if (!subjectChanged) return false;
  return replan(config, s, out) !== null;
}

/**
 * Plans every running clock again under `config` and `s.subject`, from the time it was counted from and
 * keeping its pauses; pushes `planned` for each clock that moved. Null when the subject opens no SLA
 * under `config` any more (the appeal is then closed as not actionable).
 */
function replan(config: PolicyConfig, s: AppealState, out: AppealEffect[]): Clock[] | null {
  const moved: Clock[] = [];
  for (const clock of clocksOf(s)) {
    const startedAt = clock.target === 'FIRST_REPLY' ? s.postedAt : clock.startedAt;
    const planned = planClock(config, s.subject, clock.target, startedAt, clock.pausedMs);
    if (!planned) {
      close(s, 'NOT_ACTIONABLE', out);
      return null;
    }
    // A capped pause still running keeps its budget in the deadline, as when it began.
    const budget = clock.paused && s.pause?.budgetMs != null ? s.pause.budgetMs : 0;
    const { calendar } = calendarFor(config, s.subject.region);
    const kept: Clock = {
      ...shifted(planned, calendar, clock.pausedMs + budget),
      paused: clock.paused,
      running: clock.running,
      ...(clock.openedPriority === undefined ? {} : { openedPriority: clock.openedPriority }),
    };
    if (sameClock(kept, clock)) continue;
    setClock(s, kept);
    out.push({ kind: 'planned', clock: kept });
    moved.push(kept);
  }
  return moved;
}

function sameClock(a: Clock, b: Clock): boolean {
  return (Object.keys(a) as (keyof Clock)[]).every((k) => a[k] === b[k]);
}

/** How one deadline moved in a recompute. */
export interface DeadlineMove {
  target: SlaTarget;
  fromDueAt: number;
  toDueAt: number;
  /**
   * Not overdue before, overdue at `now` under the new policy, and running (a clock stopped by a pause
   * fires nothing until it resumes, so it is not breached at once).
   */
  overdueAtOnce: boolean;
}

/**
 * `otklik sla recompute`: the open appeal planned again under a changed policy (docs/sla-policy.md#policy-changes-and-recompute),
 * explicitly, never on a restart. Idempotent: under the same policy nothing moves the second time.
 */
export function recomputeAppeal(
  config: PolicyConfig,
  state: AppealState,
  now: number,
): { state: AppealState; effects: AppealEffect[]; moves: DeadlineMove[] } {
  if (state.status !== 'OPEN') return { state, effects: [], moves: [] };
  const before = new Map(clocksOf(state).map((c) => [c.target, c.dueAt]));
  const next: AppealState = { ...state };
  const effects: AppealEffect[] = [];
  const moved = replan(config, next, effects) ?? [];
  const moves = moved.map((clock) => {
    const fromDueAt = before.get(clock.target)!;
    return {
      target: clock.target,
      fromDueAt,
      toDueAt: clock.dueAt,
      overdueAtOnce: clock.running && fromDueAt > now && clock.dueAt <= now,
    };
  });
  return { state: effects.length ? next : state, effects, moves };
}

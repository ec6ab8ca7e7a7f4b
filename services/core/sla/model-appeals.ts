import type { OperatorAction } from '../contracts/schema-types.generated.js';
import {
  stepAppeal,
  type AppealEffect,
  type AppealInput,
  type AppealState,
  type AppealSubject,
  type Clock,
  type SlaTarget,
} from './appeal.js';
import {
  replyIdOf,
  type ActionCommand,
  type AnswerSlaCommand,
  type CancelSlaCommand,
  type OpenSlaCommand,
} from './commands.js';
import type { Marker, Open } from './model-types.js';
import { metricOf, slotOf } from './targets.js';
import { PAUSED_GAUGE, pausedGaugeDeltas } from './paused-gauge.js';
import type { PolicyConfig } from './policy.js';

/** One correction, kept as a labelled example (docs/sla-policy.md#corrections). */
export interface ModelCorrection {
  commentKey: string;
  actionId: string;
  from: AppealSubject;
  to: AppealSubject;
}

/** What the lifecycle needs of the model it extends (SlaModel), without importing it. */
export interface ModelHost {
  readonly open: Map<string, Open>;
  readonly markers: Map<string, Marker>;
  bump(field: string, delta?: number): void;
  close(key: string, marker: Marker | null): Open | undefined;
  openRecord(c: OpenSlaCommand, now: number): void;
  countResponseTime(priority: string, postedAt: number, at: number): void;
}

/** An official reply kept for its comment (the input it becomes, and the reply's own key to link). */
export interface EarlyReply {
  id: string;
  at: number;
  interim: boolean;
  replyKey: string | null;
}

const dimOf = (s: AppealSubject) => `${s.region}|${s.category}|${s.priority}`;

/**
 * The appeal lifecycle of the reference model (issue #16): the pure state machine of appeal.ts for the
 * semantics, and the model's records, markers and counters for what a store keeps. Every record is
 * scheduled the way the first reply's is (WARNING, BREACH, ESCALATIONs); a re-plan never warns twice
 * and keeps a late record's escalations where it is still late.
 */
export class ModelAppeals {
  readonly states = new Map<string, AppealState>();
  /** Actions whose comment has not arrived, in arrival order. */
  readonly pending = new Map<string, OperatorAction[]>();
  /**
   * Official replies whose comment has not arrived (the `e` marker keeps the earliest time alone): applied
   * when it comes, earliest first, each by its own id and linked, as if the comment had come first.
   */
  readonly pendingReplies = new Map<string, EarlyReply[]>();
  /** An official reply's or a follow-up's key -> the appeal it belongs to. */
  readonly links = new Map<string, string>();
  readonly corrections: ModelCorrection[] = [];

  constructor(
    private readonly policy: PolicyConfig,
    private readonly model: ModelHost,
  ) {}

  /** The appeal a comment belongs to: its own, or the one its reply chain leads to. */
  appealOf(key: string): string | undefined {
    return this.states.has(key) ? key : this.links.get(key);
  }

  forget(key: string): void {
    this.pending.delete(key);
    this.pendingReplies.delete(key);
  }

  /** An official reply before its comment (its marker none or `e`): kept once by its id. */
  keepReply(c: AnswerSlaCommand): void {
    const queue = this.pendingReplies.get(c.commentKey) ?? [];
    const id = replyIdOf(c);
    if (queue.some((r) => r.id === id)) return;
    const reply = { id, at: c.answeredAt, interim: c.interim ?? false, replyKey: c.replyKey ?? null };
    this.pendingReplies.set(c.commentKey, [...queue, reply]);
  }

  act(c: ActionCommand, now: number): string {
    const state = this.states.get(c.commentKey);
    if (!state) {
      const marker = this.model.markers.get(c.commentKey);
      // Finished without an appeal (not actionable, deleted, or answered before the lifecycle knew it).
      if (marker && marker.m !== 'e' && marker.m !== 'd') return 'IGNORED';
      const queue = this.pending.get(c.commentKey) ?? [];
      if (queue.some((a) => a.action_id === c.action.action_id)) return 'DUPLICATE';
      this.pending.set(c.commentKey, [...queue, c.action]);
      return 'PENDING';
    }
    return this.step(c.commentKey, { kind: 'action', action: c.action }, now);
  }

  /** A citizen's comment under an appeal that had an official reply: the appeal's follow-up. */
  followUp(c: OpenSlaCommand, now: number): string | null {
    const appealKey = c.parentKey ? this.appealOf(c.parentKey) : undefined;
    const state = appealKey && this.states.get(appealKey);
    if (!appealKey || !state || state.repliedAt === null) return null;
    const input: AppealInput = {
      kind: 'followUp',
      id: c.commentKey,
      at: c.postedAt,
      actionable: true,
      priority: c.priority,
    };
    const step = stepAppeal(this.policy, state, input);
    // `reopen: new-appeal`: the resolved appeal stays as it was, and the follow-up opens its own.
    if (step.effects.some((e) => e.kind === 'newAppeal')) return null;
    this.model.markers.set(c.commentKey, { m: 'f' });
    this.links.set(c.commentKey, appealKey);
    this.commit(appealKey, step.state, step.effects, now);
    // Official replies to the follow-up that came before it answer the appeal now, earliest first.
    const replies = [...(this.pendingReplies.get(c.commentKey) ?? [])].sort((a, b) => a.at - b.at);
    this.pendingReplies.delete(c.commentKey);
    for (const r of replies) {
      if (r.replyKey) this.links.set(r.replyKey, appealKey);
      this.step(appealKey, { kind: 'reply', id: r.id, at: r.at, interim: r.interim }, now);
    }
    return step.outcome === 'APPLIED' ? 'FOLLOW_UP' : 'FOLLOW_UP_IGNORED';
  }

  /**
   * The first-reply record as before, plus the appeal; replies seen first are applied at once, earliest
   * first (the first of them is the first reply, as the `e` marker says), each linked to the appeal: the
   * end is the same as if the comment had come before them.
   */
  open(c: OpenSlaCommand, now: number, answeredAt: number | null): string {
    const subject: AppealSubject = {
      region: c.region,
      category: c.category,
      type: c.type ?? 'complaint',
      priority: c.priority,
    };
    const reply: Clock = {
      target: 'FIRST_REPLY',
      policyId: c.policyId,
      startedAt: c.postedAt,
      baseWarnAt: c.warnAt,
      baseDueAt: c.dueAt,
      pausedMs: 0,
      warnAt: c.warnAt,
      dueAt: c.dueAt,
      paused: false,
      running: true,
      escalationIntervalMs: c.escalationIntervalMs,
      maxEscalationLevel: c.maxEscalationLevel,
    };
    this.states.set(c.commentKey, {
      key: c.commentKey,
      subject,
      postedAt: c.postedAt,
      status: 'OPEN',
      reply,
      final: null,
      repliedAt: null,
      finalOnNextReply: false,
      pause: null,
      pausedTotalMs: 0,
      reopened: 0,
      assignment: null,
      seen: [],
    });
    this.model.bump(`opened|${dimOf(subject)}`);
    this.model.openRecord(c, now);
    const replies = [...(this.pendingReplies.get(c.commentKey) ?? [])].sort((a, b) => a.at - b.at);
    this.pendingReplies.delete(c.commentKey);
    if (answeredAt !== null && replies.length === 0) {
      replies.push({ id: `early@${answeredAt}`, at: answeredAt, interim: false, replyKey: null });
    }
    if (answeredAt !== null) {
      for (const r of replies) {
        if (r.replyKey) this.links.set(r.replyKey, c.commentKey);
        this.step(c.commentKey, { kind: 'reply', id: r.id, at: r.at, interim: r.interim }, now);
      }
    }
    for (const action of this.pending.get(c.commentKey) ?? []) {
      this.step(c.commentKey, { kind: 'action', action }, now);
    }
    this.pending.delete(c.commentKey);
    return answeredAt === null ? 'OPENED' : 'ANSWERED_BEFORE';
  }

  answer(c: AnswerSlaCommand, now: number): string | null {
    const appealKey = this.appealOf(c.commentKey);
    if (!appealKey) return null;
    if (c.replyKey) this.links.set(c.replyKey, appealKey);
    const id = replyIdOf(c);
    const before = this.model.open.get(appealKey);
    const outcome = this.step(
      appealKey,
      { kind: 'reply', id, at: c.answeredAt, interim: c.interim ?? false },
      now,
    );
    const answered = before && before.target !== 'FINAL_ANSWER' && !this.model.open.has(appealKey);
    return outcome === 'APPLIED' && answered ? 'ANSWERED' : 'DUPLICATE';
  }

  /**
   * An open incident's raise of a member (docs/incidents.md#consequences), as the store's lifecycle does
   * it (appeal-lifecycle.ts `raise`): once per comment (`incident-raise` in `seen`).
   */
  raise(key: string, steps: number, now: number): 'RAISED' | 'DUPLICATE' | 'NOT_OPEN' | 'AT_TOP' {
    const state = this.states.get(key);
    if (!state || state.status !== 'OPEN') return 'NOT_OPEN';
    const outcome = this.step(key, { kind: 'raised', id: 'incident-raise', steps }, now);
    return outcome === 'APPLIED' ? 'RAISED' : outcome === 'DUPLICATE' ? 'DUPLICATE' : 'AT_TOP';
  }

  cancel(c: CancelSlaCommand, now: number): string | null {
    if (!this.states.has(c.commentKey)) return null;
    const outcome = this.step(c.commentKey, { kind: 'deleted', id: `deleted:${c.commentKey}`, at: now }, now);
    return outcome === 'APPLIED' ? 'CANCELLED' : 'DUPLICATE';
  }

  private step(appealKey: string, input: AppealInput, now: number): string {
    const state = this.states.get(appealKey)!;
    const step = stepAppeal(this.policy, state, input);
    if (step.outcome === 'DUPLICATE') return step.outcome;
    if (input.kind === 'action') {
      for (const e of step.effects) {
        if (e.kind === 'reclassified') {
          this.corrections.push({
            commentKey: appealKey,
            actionId: input.action.action_id,
            from: e.from,
            to: e.to,
          });
        }
      }
    }
    this.commit(appealKey, step.state, step.effects, now, state.subject);
    return step.outcome;
  }

  private commit(
    appealKey: string,
    state: AppealState,
    effects: readonly AppealEffect[],
    now: number,
    subjectBefore: AppealSubject = state.subject,
  ): void {
    const m = this.model;
    for (const { dim, delta } of pausedGaugeDeltas(this.states.get(appealKey), state)) {
      m.bump(`${PAUSED_GAUGE}|${dim}`, delta);
    }
    this.states.set(appealKey, state);
    for (const e of effects) {
      switch (e.kind) {
        case 'planned':
          this.plan(appealKey, e.clock, dimOf(state.subject), state.subject.priority, now);
          break;
        case 'met': {
          const slot = slotOf(appealKey, e.target);
          const rec = m.close(slot, e.target === 'FIRST_REPLY' ? { m: 'a' } : null);
          const dim = rec?.dim ?? dimOf(state.subject);
          m.bump(`${metricOf(e.target, e.inTime ? 'answered_in_time' : 'answered_late')}|${dim}`);
          if (e.target === 'FIRST_REPLY')
            m.countResponseTime(rec?.priority ?? subjectBefore.priority, e.clock.startedAt, e.at);
          break;
        }
        case 'dropped': {
          const slot = slotOf(appealKey, e.target);
          const cancelled = state.status === 'CANCELLED';
          const rec = m.close(slot, e.target === 'FINAL_ANSWER' ? null : { m: cancelled ? 'c' : 'n' });
          if (cancelled && rec) m.bump(`${metricOf(e.target, 'cancelled')}|${rec.dim}`);
          break;
        }
        case 'closedNotActionable':
          if (!m.markers.has(appealKey) || m.markers.get(appealKey)?.m === 'a') {
            m.markers.set(appealKey, { m: 'n' });
          }
          m.bump(`not_actionable|${dimOf(state.subject)}`);
          break;
        case 'reclassified': {
          // Where each `opened` was counted: before an incident's raise, its priority then.
          const counted = (p: AppealSubject['priority'] | undefined) =>
            dimOf(p === undefined ? e.from : { ...e.from, priority: p });
          this.move(appealKey, dimOf(e.from), dimOf(e.to), e.to.priority, (t) =>
            counted(t === null ? e.openedFrom : e.targetsOpenedFrom?.[t]),
          );
          break;
        }
        case 'raised':
          this.move(appealKey, dimOf(e.from), dimOf(e.to), e.to.priority, null);
          break;
        case 'newAppeal':
          break;
      }
    }
  }

  /**
   * Counters follow a correction once: the appeal's `opened` and every running record's gauges and
   * (other targets) `opened`, each `opened` from where `countedIn` says it was counted (target null: the
   * appeal's). An incident's raise (`countedIn` null) moves the gauges alone.
   */
  private move(
    appealKey: string,
    from: string,
    to: string,
    priority: string,
    countedIn: ((target: SlaTarget | null) => string) | null,
  ): void {
    const m = this.model;
    if (countedIn) {
      m.bump(`opened|${countedIn(null)}`, -1);
      m.bump(`opened|${to}`);
    }
    for (const target of ['FIRST_REPLY', 'FINAL_ANSWER'] as const) {
      const rec = m.open.get(slotOf(appealKey, target));
      if (!rec) continue;
      if (from !== to)
        for (const gauge of rec.late ? ['open', 'overdue'] : ['open']) {
          m.bump(`${metricOf(rec.target, gauge)}|${from}`, -1);
          m.bump(`${metricOf(rec.target, gauge)}|${to}`);
        }
      if (rec.target !== 'FIRST_REPLY' && countedIn) {
        m.bump(`${metricOf(rec.target, 'opened')}|${countedIn(rec.target)}`, -1);
        m.bump(`${metricOf(rec.target, 'opened')}|${to}`);
      }
      rec.dim = to;
      rec.priority = priority;
    }
  }

  /** Starts or re-plans the record of a clock and schedules its next alert. */
  private plan(appealKey: string, clock: Clock, dim: string, priority: string, now: number): void {
    const m = this.model;
    const slot = slotOf(appealKey, clock.target);
    let rec = m.open.get(slot);
    if (!rec || rec.target !== clock.target) {
      if (rec) m.close(slot, null);
      rec = {
        key: appealKey,
        target: clock.target,
        kind: null,
        level: 0,
        nextAt: 0,
        postedAt: clock.startedAt,
        warnAt: clock.warnAt,
        dueAt: clock.dueAt,
        warned: false,
        interval: clock.escalationIntervalMs,
        maxLevel: clock.maxEscalationLevel,
        dim,
        priority,
        leaseUntil: null,
        late: false,
      };
      m.open.set(slot, rec);
      // The appeal itself was counted `opened` once, when its comment came (a correction reopening it is
      // not a second appeal).
      if (clock.target !== 'FIRST_REPLY') m.bump(`${metricOf(clock.target, 'opened')}|${dim}`);
      m.bump(`${metricOf(clock.target, 'open')}|${dim}`);
    }
    Object.assign(rec, {
      warnAt: clock.warnAt,
      dueAt: clock.dueAt,
      interval: clock.escalationIntervalMs,
      maxLevel: clock.maxEscalationLevel,
    });
    schedule(m, rec, clock.running, now);
  }
}

/** The next alert of a (re-)planned record at `now`. */
function schedule(m: ModelHost, rec: Open, running: boolean, now: number): void {
  rec.leaseUntil = null;
  if (!running) {
    rec.kind = null;
    return;
  }
  if (rec.late && now < rec.dueAt) {
    // Moved back into the future: no longer overdue, and its BREACH is due again.
    rec.late = false;
    m.bump(`${metricOf(rec.target, 'overdue')}|${rec.dim}`, -1);
    rec.level = 0;
  }
  if (!rec.late) {
    const warn = !rec.warned && now < rec.dueAt && rec.warnAt < rec.dueAt;
    [rec.kind, rec.level, rec.nextAt] = warn ? ['WARNING', 0, rec.warnAt] : ['BREACH', 0, rec.dueAt];
    return;
  }
  // Still late: the escalations go on from the new deadline.
  if (rec.kind === 'BREACH') rec.nextAt = rec.dueAt;
  else if (rec.kind === 'ESCALATION') rec.nextAt = rec.dueAt + rec.level * rec.interval;
}

import type { AppealEffect, AppealState, AppealSubject, SlaTarget } from '../../../core/sla/appeal.js';
import { metricOf } from '../../../core/sla/targets.js';
import { encodeTargetBody } from '../record/record.js';
import { PAUSED_GAUGE, pausedGaugeDeltas } from '../../../core/sla/paused-gauge.js';

/**
 * The appeal lifecycle's effects (core/sla/appeal.ts) as apply_appeal.lua's ops, in the order the
 * reference model applies them (core/sla/model-appeals.ts `commit`). Bodies are binary and travel as
 * their own script arguments: an op names one by its index (1-based after the ops).
 */
export type AppealOp =
  | {
      op: 'plan';
      slot: Slot;
      prefix: string;
      warn: number;
      due: number;
      running: boolean;
      body: number;
      dim: string;
    }
  | {
      op: 'close';
      slot: Slot;
      prefix: string;
      marker: string;
      metric: string;
      only_with_record: boolean;
      dim: string;
      rt_priority: string;
      rt_ms: number;
    }
  /**
   * The gauges of every open record move `from` -> `to` and the records take `category` and `priority`;
   * `opened` (the appeal's, from `opened_from` when given, and the other targets') moves too unless
   * `opened` is false (an incident's raise).
   */
  | {
      op: 'move';
      from: string;
      to: string;
      category: string;
      priority: string;
      opened?: boolean;
      opened_from?: string;
      /** Where the final answer's and the next reply's `opened` were counted, if not `from`. */
      opened_from_f?: string;
      opened_from_n?: string;
    }
  | { op: 'not_actionable'; dim: string }
  | { op: 'bump'; metric: string; dim: string; delta: number }
  | { op: 'pend'; entry: string }
  | { op: 'unpend' }
  | { op: 'marker'; value: string }
  | { op: 'early'; at: number }
  | { op: 'log'; id: string; action: string }
  | { op: 'correction'; entry: string }
  /** The comment's thread link: a citizen's comment under it is a follow-up of appeal `to`. */
  | { op: 'link'; to: string; persist: boolean };

/** Where a target's record lives: `r` the comment's own member, `f` `<key>#final`, `n` `<key>#next`. */
type Slot = 'r' | 'f' | 'n';

export const slotLetterOf = (target: SlaTarget): Slot =>
  target === 'FINAL_ANSWER' ? 'f' : target === 'NEXT_REPLY' ? 'n' : 'r';

export { memberOf, targetOfMember } from '../keys.js';

/** The counters' prefix of a target (`final_`, `next_`; none for the first reply). */
export const prefixOf = (target: SlaTarget): string => metricOf(target, '');

export const dimOf = (s: AppealSubject): string => `${s.region}|${s.category}|${s.priority}`;

export interface EffectsContext {
  state: AppealState;
  /** The state before the step, for the `paused` gauge (core/sla/paused-gauge.ts). */
  before?: AppealState;
  /** The subject before the step (the first reply's response time counts under its priority). */
  subjectBefore: AppealSubject;
  /** The comment's record tail, for the records of other targets. */
  tail: Buffer;
  /** Effects already applied elsewhere (the first reply answered by apply_batch before the comment). */
  skip?: (e: AppealEffect) => boolean;
}

/** Appends the ops of `effects` to `ops`, and their bodies to `bodies`. */
export function opsOfEffects(
  effects: readonly AppealEffect[],
  ctx: EffectsContext,
  ops: AppealOp[],
  bodies: Buffer[],
): void {
  const { state, tail } = ctx;
  for (const { dim, delta } of pausedGaugeDeltas(ctx.before, state)) {
    ops.push({ op: 'bump', metric: PAUSED_GAUGE, dim, delta });
  }
  for (const e of effects) {
    if (ctx.skip?.(e)) continue;
    switch (e.kind) {
      case 'planned': {
        const c = e.clock;
        bodies.push(
          encodeTargetBody(
            {
              startedAt: c.startedAt,
              dueAt: c.dueAt,
              escalationIntervalMs: c.escalationIntervalMs,
              maxEscalationLevel: c.maxEscalationLevel,
              region: state.subject.region,
              category: state.subject.category,
              priority: state.subject.priority,
            },
            tail,
          ),
        );
        ops.push({
          op: 'plan',
          slot: slotLetterOf(c.target),
          prefix: prefixOf(c.target),
          warn: c.warnAt,
          due: c.dueAt,
          running: c.running,
          body: bodies.length,
          dim: dimOf(state.subject),
        });
        break;
      }
      case 'met': {
        const first = e.target === 'FIRST_REPLY';
        ops.push({
          op: 'close',
          slot: slotLetterOf(e.target),
          prefix: prefixOf(e.target),
          marker: first ? 'a' : '',
          metric: metricOf(e.target, e.inTime ? 'answered_in_time' : 'answered_late'),
          only_with_record: false,
          dim: dimOf(state.subject),
          rt_priority: first ? ctx.subjectBefore.priority : '',
          rt_ms: Math.max(0, e.at - e.clock.startedAt),
        });
        break;
      }
      case 'dropped': {
        const cancelled = state.status === 'CANCELLED';
        ops.push({
          op: 'close',
          slot: slotLetterOf(e.target),
          prefix: prefixOf(e.target),
          marker: e.target === 'FINAL_ANSWER' ? '' : cancelled ? 'c' : 'n',
          metric: cancelled ? metricOf(e.target, 'cancelled') : '',
          only_with_record: true,
          dim: dimOf(state.subject),
          rt_priority: '',
          rt_ms: 0,
        });
        break;
      }
      case 'closedNotActionable':
        ops.push({ op: 'not_actionable', dim: dimOf(state.subject) });
        break;
      case 'reclassified': {
        // Where each `opened` was counted, when an incident's raise moved the gauges since.
        const counted = (p: AppealSubject['priority'] | undefined) =>
          p === undefined ? undefined : dimOf({ ...e.from, priority: p });
        const extra = {
          opened_from: counted(e.openedFrom),
          opened_from_f: counted(e.targetsOpenedFrom?.FINAL_ANSWER),
          opened_from_n: counted(e.targetsOpenedFrom?.NEXT_REPLY),
        };
        const to = dimOf(e.to);
        if (dimOf(e.from) !== to || Object.values(extra).some((d) => d !== undefined && d !== to))
          ops.push({
            op: 'move',
            from: dimOf(e.from),
            to,
            category: e.to.category,
            priority: e.to.priority,
            ...Object.fromEntries(Object.entries(extra).filter(([, d]) => d !== undefined)),
          });
        break;
      }
      case 'raised':
        ops.push({
          op: 'move',
          from: dimOf(e.from),
          to: dimOf(e.to),
          category: e.to.category,
          priority: e.to.priority,
          opened: false,
        });
        break;
      case 'newAppeal':
        break;
    }
  }
}

import type { OperatorAction } from '../../../core/contracts/schema-types.generated.js';
import {
  recomputeAppeal,
  stepAppeal,
  type AppealEffect,
  type DeadlineMove,
  type AppealInput,
  type AppealState,
  type AppealStep,
} from '../../../core/sla/appeal.js';
import type {
  ActionCommand,
  AnswerSlaCommand,
  CancelSlaCommand,
  OpenSlaCommand,
  SlaOutcome,
} from '../../../core/sla/commands.js';
import { replyIdOf } from '../../../core/sla/commands.js';
import { computeDeadlines, resolvePolicy, type PolicyConfig } from '../../../core/sla/policy.js';
import type { LabelledCorrection } from '../../../core/sla/corrections.js';
import { bodyTail, decodeRecordTail, encodeRecordBody, readStoredRecord } from '../record/record.js';
import { SlaStoreError } from '../sla-status.js';
import { opsOfEffects, type AppealOp } from './appeal-effects.js';

/**
 * The appeal lifecycle in Redis (issue #16; docs/sla-engine.md "The appeal lifecycle in Redis"): read,
 * decide, write. `read_appeal.lua` returns the appeal's state (or, before its first lifecycle input, its
 * first-reply record), `stepAppeal` decides in TypeScript, where the region's calendars are, and
 * `apply_appeal.lua` writes the new state and its effects only if the appeal is still as read (its
 * fingerprint); else this reads and decides again. A replay is DUPLICATE by the state's `seen` ids.
 */

/** What the lifecycle needs of the store: its two scripts, on the comment's shard, and thread links. */
export interface AppealScripts {
  readAppeal(shard: number, key: string): Promise<AppealRead>;
  /** OK, or false when the fingerprint changed. */
  writeAppeal(shard: number, key: string, write: AppealWrite): Promise<boolean>;
  /** The appeal a comment's thread link names (`SlaKeys.link`), or null. */
  readLink(shard: number, key: string): Promise<string | null>;
  /** Links an official reply to its appeal (expires with the retention). */
  writeLink(shard: number, key: string, to: string): Promise<void>;
  shardOf(key: string): number;
}

export interface AppealRead {
  fingerprint: string;
  state: AppealState | null;
  tail: Buffer | null;
  /** The comment's open first-reply record as stored, when it has one. */
  record: Buffer | null;
  pending: PendingEntry[];
}

export interface AppealWrite {
  fingerprint: string;
  state: AppealState | null;
  finished: boolean;
  tail: Buffer | null;
  ops: AppealOp[];
  bodies: Buffer[];
}

/**
 * What waits for a comment not seen yet: an operator action, or an official reply (its id in the appeal's
 * `seen` and its own key, to link it when the comment comes; entries kept before they had them have
 * neither).
 */
export type PendingEntry =
  | { kind: 'action'; action: OperatorAction }
  | { kind: 'reply'; at: number; interim: boolean; id?: string; replyKey?: string | null };

/** What the lifecycle did with an operator action. */
export type LifecycleActionOutcome = 'APPLIED' | 'IGNORED' | 'DUPLICATE' | 'PENDING';

/** What `otklik sla recompute` did with one appeal (or would do, on a dry run). */
export interface AppealRecompute {
  /** Each running clock whose deadline (or plan) changed. */
  moves: DeadlineMove[];
  /** The new policy opens no SLA for its subject any more: closed as not actionable. */
  closed: boolean;
  /** It had no lifecycle state yet (an open first-reply record alone). */
  fromRecord: boolean;
}

/** What the lifecycle did with an incident's raise of a member. */
export type RaiseLifecycleOutcome = 'RAISED' | 'DUPLICATE' | 'NOT_OPEN' | 'AT_TOP';

/** The raise's id in an appeal's `seen`: one raise per comment, whatever the incident. */
const INCIDENT_RAISE_ID = 'incident-raise';

/** Attempts of one read-decide-write before giving up (each lost one means another writer won). */
const MAX_ATTEMPTS = 20;

/** The appeal's state before its first lifecycle input, from its open first-reply record. */
function stateFromRecord(config: PolicyConfig, key: string, stored: Buffer): AppealState {
  const r = readStoredRecord(stored);
  const subject = {
    region: r.region,
    category: r.category as AppealState['subject']['category'],
    // The record does not keep the classifier's type; the open command's default.
    type: 'complaint' as const,
    priority: r.priority as AppealState['subject']['priority'],
  };
  // The record keeps due_at but not warn_at nor the policy id: both come from the policy that planned it.
  const resolved = resolvePolicy(config, subject);
  const warnAt = resolved ? Math.min(computeDeadlines(resolved, r.startedAt).warnAtMs, r.dueAt) : r.dueAt;
  return {
    key,
    subject,
    postedAt: r.startedAt,
    status: 'OPEN',
    reply: {
      target: 'FIRST_REPLY',
      policyId: resolved?.policyId ?? '',
      startedAt: r.startedAt,
      baseWarnAt: warnAt,
      baseDueAt: r.dueAt,
      pausedMs: 0,
      warnAt,
      dueAt: r.dueAt,
      paused: false,
      running: true,
      escalationIntervalMs: r.escalationIntervalMs,
      maxEscalationLevel: r.maxEscalationLevel,
    },
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

/** The appeal's state as the reference model opens it (model-appeals.ts `open`). */
function stateFromOpen(c: OpenSlaCommand): AppealState {
  return {
    key: c.commentKey,
    subject: { region: c.region, category: c.category, type: c.type ?? 'complaint', priority: c.priority },
    postedAt: c.postedAt,
    status: 'OPEN',
    reply: {
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
    },
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

const isFinishedMarker = (fingerprint: string): boolean => /^m[acnf]/.test(fingerprint);
/**
 * A comment the store has not seen yet, which may be a follow-up: no state, record nor marker, or `p`
 * (actions wait for it) or `e` (official replies to it came first).
 */
const mayFollow = (fingerprint: string): boolean => /^m(p|e[0-9a-z]+)?#/.test(fingerprint);

/**
 * The appeal's own thread link once it had an official reply: a citizen's comment under it is its
 * follow-up (core/sla/appeal.ts followUp). Kept while the appeal is, so written with every state.
 */
function selfLink(state: AppealState, finished: boolean): AppealOp[] {
  return state.repliedAt === null ? [] : [{ op: 'link', to: state.key, persist: !finished }];
}
/** The marker a fingerprint of an appeal with neither state nor record saw ('' none; `p` counts as none). */
const markerOf = (fingerprint: string): string => {
  const marker = fingerprint.slice(1, fingerprint.lastIndexOf('#'));
  return marker === 'p' ? '' : marker;
};

/**
 * A RECLASSIFIED action as a labelled example (core/sla/corrections.ts LabelledCorrection, one line of
 * `otklik corrections export`): the classifier's labels (the appeal's subject before the action; it was
 * opened, so actionable), the operator's (null: left as it was), and the comment's text as its record
 * keeps it (the excerpt).
 */
function correctionEntry(key: string, action: OperatorAction, before: AppealState, tail: Buffer): string {
  const c = action.correction;
  const entry: LabelledCorrection = {
    comment_key: key,
    action_id: action.action_id,
    operator_id: action.operator_id,
    acted_at: action.acted_at,
    text: tail.length ? decodeRecordTail(tail, key.slice(key.indexOf(':') + 1)).excerpt : '',
    classifier: {
      category: before.subject.category,
      type: before.subject.type,
      priority: before.subject.priority,
      actionable: before.status !== 'NOT_ACTIONABLE',
    },
    operator: {
      category: c?.category ?? null,
      type: c?.type ?? null,
      priority: c?.priority ?? null,
      actionable: c?.actionable ?? null,
    },
  };
  return JSON.stringify(entry);
}

export class AppealLifecycle {
  constructor(
    private readonly config: PolicyConfig,
    private readonly scripts: AppealScripts,
  ) {}

  /**
   * Runs `decide` on fresh reads until its write lands; `decide` returns the write and the outcome.
   * `first`: a read already made, used for the first attempt.
   */
  private async readDecideWrite<T>(
    shard: number,
    key: string,
    decide: (read: AppealRead) => { write: AppealWrite | null; outcome: T },
    first?: AppealRead,
  ): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const read = attempt === 0 && first ? first : await this.scripts.readAppeal(shard, key);
      const { write, outcome } = decide(read);
      if (!write || (await this.scripts.writeAppeal(shard, key, write))) return outcome;
    }
    throw new SlaStoreError(
      'APPEAL_CONFLICT',
      `appeal ${key}: ${MAX_ATTEMPTS} writes in a row lost to another writer`,
      true,
    );
  }

  /** The shard of a comment's keys. */
  shardOf(key: string): number {
    return this.scripts.shardOf(key);
  }

  /** A step on the appeal as read: its state, or the state its first-reply record implies. */
  private current(read: AppealRead, key: string): { state: AppealState; tail: Buffer } | null {
    if (read.state) return { state: read.state, tail: read.tail ?? Buffer.alloc(0) };
    if (!read.record) return null;
    return {
      state: stateFromRecord(this.config, key, read.record),
      tail: readStoredRecord(read.record).tail,
    };
  }

  private stepWrite(
    read: AppealRead,
    state: AppealState,
    tail: Buffer,
    step: AppealStep,
    extra: AppealOp[] = [],
    skip?: (e: AppealEffect) => boolean,
  ): AppealWrite {
    const ops: AppealOp[] = [];
    const bodies: Buffer[] = [];
    opsOfEffects(
      step.effects,
      { state: step.state, before: state, subjectBefore: state.subject, tail, skip },
      ops,
      bodies,
    );
    ops.push(...extra);
    const finished = step.state.status !== 'OPEN';
    ops.push(...selfLink(step.state, finished));
    return {
      fingerprint: read.fingerprint,
      state: step.state,
      finished,
      tail: read.state ? null : tail,
      ops,
      bodies,
    };
  }

  /**
   * An official reply (or a bare template: interim) to the appeal's comment, or to a comment of its
   * thread (an official reply, a citizen's follow-up: found by the comment's thread link). The reply's own
   * key is linked to the appeal it answered, so that a citizen's comment under it is a follow-up.
   */
  async answer(c: AnswerSlaCommand): Promise<SlaOutcome> {
    const read = await this.scripts.readAppeal(c.shard, c.commentKey);
    if (!this.current(read, c.commentKey)) {
      const appealKey = await this.scripts.readLink(c.shard, c.commentKey);
      if (appealKey !== null && appealKey !== c.commentKey)
        return this.answerAppeal(c, appealKey, this.scripts.shardOf(appealKey));
    }
    return this.answerAppeal(c, c.commentKey, c.shard, read);
  }

  private async answerAppeal(
    c: AnswerSlaCommand,
    key: string,
    shard: number,
    first?: AppealRead,
    id = replyIdOf(c),
  ): Promise<SlaOutcome> {
    let found = false;
    const outcome = await this.readDecideWrite<SlaOutcome>(
      shard,
      key,
      (read) => {
        const now = this.current(read, key);
        found = now !== null;
        if (!now) {
          // Before the comment: remembered as apply_batch's answer does, and kept for its open.
          // Every reply is kept once by its id (model-appeals.ts keepReply), so that the comment applies
          // each as if it had come first; the `e` marker keeps the earliest time for apply_batch.
          if (read.fingerprint === 'r' || isFinishedMarker(read.fingerprint))
            return { write: null, outcome: 'DUPLICATE' };
          const marker = markerOf(read.fingerprint);
          const kept = read.pending.some((p) => p.kind === 'reply' && p.id === id);
          if ((marker !== '' && !marker.startsWith('e')) || kept)
            return { write: null, outcome: 'DUPLICATE' };
          const entry: PendingEntry = {
            kind: 'reply',
            at: c.answeredAt,
            interim: c.interim ?? false,
            id,
            replyKey: c.replyKey ?? null,
          };
          return {
            write: {
              fingerprint: read.fingerprint,
              state: null,
              finished: false,
              tail: null,
              ops: [
                { op: 'early', at: c.answeredAt },
                { op: 'pend', entry: JSON.stringify(entry) },
              ],
              bodies: [],
            },
            outcome: marker === '' ? 'ANSWERED_EARLY' : 'DUPLICATE',
          };
        }
        const input: AppealInput = {
          kind: 'reply',
          id,
          at: c.answeredAt,
          interim: c.interim ?? false,
        };
        const step = stepAppeal(this.config, now.state, input);
        if (step.outcome === 'DUPLICATE') return { write: null, outcome: 'DUPLICATE' };
        // ANSWERED when a reply target's record closed: the first reply's (open as read) or a next reply's.
        const answered =
          step.outcome === 'APPLIED' &&
          step.effects.some(
            (e) =>
              e.kind === 'met' &&
              (e.target === 'NEXT_REPLY' || (e.target === 'FIRST_REPLY' && read.record !== null)),
          );
        return {
          write: this.stepWrite(read, now.state, now.tail, step),
          outcome: answered ? 'ANSWERED' : 'DUPLICATE',
        };
      },
      first,
    );
    // As the model links it (model-appeals.ts `answer`): whenever the reply found its appeal.
    if (found && c.replyKey) await this.scripts.writeLink(this.scripts.shardOf(c.replyKey), c.replyKey, key);
    return outcome;
  }

  /**
   * A citizen's comment whose parent's thread link names appeal `appealKey` (docs/sla-engine.md "A
   * citizen's follow-up in Redis"): if the appeal had an official reply, the comment is its follow-up
   * (core/sla/appeal.ts followUp: a NEXT_REPLY, or reopening after RESOLVED) and gets the finished
   * marker `f` and a link to the appeal, so a reply to it answers the appeal. The appeal's step goes
   * first: a crash before the marker leaves the follow-up in the appeal's `seen`, and the redelivery
   * finds it DUPLICATE there and writes the marker. Null when the comment is not a follow-up (seen
   * before, the appeal unanswered, or `reopen: new-appeal` after RESOLVED): it opens as any comment.
   */
  async followUp(c: OpenSlaCommand, appealKey: string): Promise<SlaOutcome | null> {
    const own = await this.scripts.readAppeal(c.shard, c.commentKey);
    if (!mayFollow(own.fingerprint)) return null;
    const input: AppealInput = {
      kind: 'followUp',
      id: c.commentKey,
      at: c.postedAt,
      actionable: true,
      priority: c.priority,
    };
    const stepped = await this.readDecideWrite<'NONE' | 'NEW_APPEAL' | AppealStep['outcome']>(
      this.scripts.shardOf(appealKey),
      appealKey,
      (read) => {
        const now = this.current(read, appealKey);
        if (!now || now.state.repliedAt === null) return { write: null, outcome: 'NONE' };
        const step = stepAppeal(this.config, now.state, input);
        if (step.outcome === 'DUPLICATE') return { write: null, outcome: 'DUPLICATE' };
        // The resolved appeal stays as it was; the follow-up opens its own.
        if (step.effects.some((e) => e.kind === 'newAppeal')) return { write: null, outcome: 'NEW_APPEAL' };
        return { write: this.stepWrite(read, now.state, now.tail, step), outcome: step.outcome };
      },
    );
    if (stepped === 'NONE' || stepped === 'NEW_APPEAL') return null;
    // Official replies to the follow-up that came before it (model-appeals.ts followUp) answer the
    // appeal now, earliest first, before the marker: a crash in between redoes them, DUPLICATE by `seen`.
    const replies = own.pending
      .filter((p): p is PendingEntry & { kind: 'reply' } => p.kind === 'reply')
      .sort((a, b) => a.at - b.at);
    for (const r of replies) {
      const answer: AnswerSlaCommand = {
        kind: 'answer',
        commentKey: c.commentKey,
        shard: c.shard,
        answeredAt: r.at,
        interim: r.interim,
        ...(r.replyKey ? { replyKey: r.replyKey } : {}),
      };
      await this.answerAppeal(answer, appealKey, this.scripts.shardOf(appealKey), undefined, r.id);
    }
    // The follow-up's own keys: nothing but this worker writes a comment not seen yet, so one conflict
    // (an action kept for it meanwhile: `p`) is read again.
    await this.readDecideWrite(
      c.shard,
      c.commentKey,
      (read) => {
        if (!mayFollow(read.fingerprint)) return { write: null, outcome: undefined };
        const ops: AppealOp[] = [
          { op: 'marker', value: 'f' },
          { op: 'link', to: appealKey, persist: false },
        ];
        if (read.pending.some((p) => p.kind === 'reply')) ops.push({ op: 'unpend' });
        return {
          write: { fingerprint: read.fingerprint, state: null, finished: false, tail: null, ops, bodies: [] },
          outcome: undefined,
        };
      },
      own,
    );
    if (stepped === 'APPLIED') return 'FOLLOW_UP';
    return stepped === 'IGNORED' ? 'FOLLOW_UP_IGNORED' : 'DUPLICATE';
  }

  /** The comment was deleted. */
  cancel(c: CancelSlaCommand): Promise<SlaOutcome> {
    return this.readDecideWrite(c.shard, c.commentKey, (read) => {
      const now = this.current(read, c.commentKey);
      if (!now) {
        const marker = markerOf(read.fingerprint);
        if (read.fingerprint === 'r' || (marker !== '' && !marker.startsWith('e')))
          return { write: null, outcome: 'DUPLICATE' };
        return {
          write: {
            fingerprint: read.fingerprint,
            state: null,
            finished: false,
            tail: null,
            ops: [{ op: 'marker', value: 'd' }],
            bodies: [],
          },
          outcome: 'DELETED_EARLY',
        };
      }
      const step = stepAppeal(this.config, now.state, {
        kind: 'deleted',
        id: `deleted:${c.commentKey}`,
        at: Date.now(),
      });
      if (step.outcome === 'DUPLICATE') return { write: null, outcome: 'DUPLICATE' };
      return {
        write: this.stepWrite(read, now.state, now.tail, step),
        outcome: step.outcome === 'APPLIED' ? 'CANCELLED' : 'DUPLICATE',
      };
    });
  }

  /**
   * An open incident's member gets its priority raised `steps` steps (docs/incidents.md#consequences;
   * core/sla/appeal.ts `raise`): the running targets re-planned at the raised priority, their gauges
   * moved once, the state's subject saying the raised priority, so every later step counts in the
   * records' bucket. Once per comment (the id `incident-raise` in the state's `seen`): a repeat, or a
   * second incident, is DUPLICATE. NOT_OPEN: no open appeal (not seen yet, answered before the
   * lifecycle knew it, finished); AT_TOP: nothing higher (or the raised subject opens no SLA).
   */
  raise(c: { commentKey: string; shard: number; steps: number }): Promise<RaiseLifecycleOutcome> {
    return this.readDecideWrite<RaiseLifecycleOutcome>(c.shard, c.commentKey, (read) => {
      const now = this.current(read, c.commentKey);
      if (!now || now.state.status !== 'OPEN') return { write: null, outcome: 'NOT_OPEN' };
      const step = stepAppeal(this.config, now.state, {
        kind: 'raised',
        id: INCIDENT_RAISE_ID,
        steps: c.steps,
      });
      if (step.outcome === 'DUPLICATE') return { write: null, outcome: 'DUPLICATE' };
      if (step.outcome === 'IGNORED') return { write: null, outcome: 'AT_TOP' };
      return { write: this.stepWrite(read, now.state, now.tail, step), outcome: 'RAISED' };
    });
  }

  /** An operator's action: applied to the appeal, or kept until its comment comes. */
  act(c: ActionCommand): Promise<LifecycleActionOutcome> {
    const { action } = c;
    const log: AppealOp = { op: 'log', id: action.action_id, action: JSON.stringify(action) };
    return this.readDecideWrite<LifecycleActionOutcome>(c.shard, c.commentKey, (read) => {
      const now = this.current(read, c.commentKey);
      if (!now) {
        const keep = (ops: AppealOp[], outcome: LifecycleActionOutcome) => ({
          write: { fingerprint: read.fingerprint, state: null, finished: false, tail: null, ops, bodies: [] },
          outcome,
        });
        // Finished without an appeal (not actionable, deleted, answered before the lifecycle knew it).
        if (isFinishedMarker(read.fingerprint)) return keep([log], 'IGNORED');
        if (read.pending.some((p) => p.kind === 'action' && p.action.action_id === action.action_id))
          return { write: null, outcome: 'DUPLICATE' };
        const entry: PendingEntry = { kind: 'action', action };
        return keep([{ op: 'pend', entry: JSON.stringify(entry) }, log], 'PENDING');
      }
      const step = stepAppeal(this.config, now.state, { kind: 'action', action });
      if (step.outcome === 'DUPLICATE') return { write: null, outcome: 'DUPLICATE' };
      const extra: AppealOp[] = [log];
      // Every operator judgement is an example, agreeing or not: logged once (the step's `seen`).
      if (action.kind === 'RECLASSIFIED' && action.correction)
        extra.push({ op: 'correction', entry: correctionEntry(c.commentKey, action, now.state, now.tail) });
      return { write: this.stepWrite(read, now.state, now.tail, step, extra), outcome: step.outcome };
    });
  }

  /**
   * `otklik sla recompute`: the open appeal planned again under `policy` (core/sla/appeal.ts
   * recomputeAppeal, keeping its pauses), written through the same fingerprinted path as every step, so a
   * worker's write in between makes this read and decide again. An open first-reply record without a
   * state is read as the state its record implies (under the store's policy, the one that planned it)
   * and gets its state here. Null when the key has no open appeal. `dryRun` decides and writes nothing.
   */
  recompute(
    shard: number,
    key: string,
    policy: PolicyConfig,
    now: number,
    dryRun = false,
  ): Promise<AppealRecompute | null> {
    return this.readDecideWrite<AppealRecompute | null>(shard, key, (read) => {
      const current = this.current(read, key);
      if (!current || current.state.status !== 'OPEN') return { write: null, outcome: null };
      const { state, effects, moves } = recomputeAppeal(policy, current.state, now);
      const outcome: AppealRecompute = {
        moves,
        closed: state.status !== 'OPEN',
        fromRecord: read.state === null,
      };
      if (effects.length === 0 || dryRun) return { write: null, outcome };
      const step: AppealStep = { state, outcome: 'APPLIED', effects };
      return { write: this.stepWrite(read, current.state, current.tail, step), outcome };
    });
  }

  /**
   * After apply_batch opened a comment: what waited for it is applied now, in the order the model does
   * (model-appeals.ts `open`): the replies that came first, earliest first, each by its own id (the
   * earliest is the first reply, which apply_batch already counted: ANSWERED_BEFORE; it starts the final
   * answer), then the kept actions in arrival order. Each reply's key is linked to the appeal before the
   * state is written (a crash in between leaves links to an appeal without a state yet: a comment under
   * them opens its own, as under a reply not yet applied). A comment deleted before it came
   * (DELETED_BEFORE) drops them.
   */
  async opened(
    c: OpenSlaCommand,
    outcome: 'OPENED_PENDING' | 'ANSWERED_BEFORE' | 'DELETED_BEFORE',
  ): Promise<void> {
    const first = await this.scripts.readAppeal(c.shard, c.commentKey);
    if (outcome === 'ANSWERED_BEFORE' && !first.state) {
      for (const p of first.pending) {
        if (p.kind === 'reply' && p.replyKey)
          await this.scripts.writeLink(this.scripts.shardOf(p.replyKey), p.replyKey, c.commentKey);
      }
    }
    return this.readDecideWrite(
      c.shard,
      c.commentKey,
      (read) => {
        if (read.pending.length === 0 || read.state) return { write: null, outcome: undefined };
        const unpend: AppealOp = { op: 'unpend' };
        const none = { fingerprint: read.fingerprint, state: null, finished: false, tail: null, bodies: [] };
        if (outcome === 'DELETED_BEFORE') return { write: { ...none, ops: [unpend] }, outcome: undefined };
        let state = stateFromOpen(c);
        const tail = bodyTail(encodeRecordBody(c));
        const ops: AppealOp[] = [];
        const bodies: Buffer[] = [];
        const apply = (input: AppealInput, skip?: (e: AppealEffect) => boolean) => {
          const step = stepAppeal(this.config, state, input);
          if (step.outcome === 'DUPLICATE') return;
          opsOfEffects(
            step.effects,
            { state: step.state, before: state, subjectBefore: state.subject, tail, skip },
            ops,
            bodies,
          );
          if (input.kind === 'action' && input.action.kind === 'RECLASSIFIED' && input.action.correction)
            ops.push({ op: 'correction', entry: correctionEntry(c.commentKey, input.action, state, tail) });
          state = step.state;
        };
        const replies = read.pending
          .filter((p): p is PendingEntry & { kind: 'reply' } => p.kind === 'reply')
          .sort((a, b) => a.at - b.at);
        if (outcome === 'ANSWERED_BEFORE') {
          if (replies.length === 0) return { write: { ...none, ops: [unpend] }, outcome: undefined };
          // Several replies before the comment: the earliest is the first reply (as the `e` marker keeps).
          // apply_batch counted it and left no record: the first reply's end is not counted again here.
          for (const r of replies) {
            apply({ kind: 'reply', id: r.id ?? `early@${r.at}`, at: r.at, interim: r.interim }, (e) => {
              return e.kind === 'met' && e.target === 'FIRST_REPLY';
            });
          }
        }
        for (const p of read.pending) if (p.kind === 'action') apply({ kind: 'action', action: p.action });
        ops.push(unpend, ...selfLink(state, state.status !== 'OPEN'));
        return {
          write: {
            fingerprint: read.fingerprint,
            state,
            finished: state.status !== 'OPEN',
            tail,
            ops,
            bodies,
          },
          outcome: undefined,
        };
      },
      first,
    );
  }
}

import type {
  AlertKind,
  ClassifiedComment,
  Classification,
  CommentEvent,
  SlaTarget,
} from '../contracts/schema-types.generated.js';
import type { ActionCommand, NotActionableCommand, OpenSlaCommand, SlaCommand } from './commands.js';
import { excerptOf, planSla, type PlanOptions } from './plan.js';
import type { PolicyConfig } from './policy.js';

/**
 * The transition the worker applied for a comment it published on the classified topic, decided again
 * by the same pure decision (planSla) from the comment and its recorded classification. The recorded
 * deadline wins over today's policy: a policy changed since must not move the deadlines of comments
 * already open, nor open or close an SLA the worker decided otherwise. Escalations come from the policy
 * (the classified topic does not carry them; they are one setting for all policies).
 */
export function replayCommandOf(
  classified: ClassifiedComment,
  policies: PolicyConfig,
  options: PlanOptions,
): SlaCommand | null {
  const event = classified.comment;
  const { command } = planSla(event, classified.classification, policies, options);
  if (!command || command.kind === 'answer' || command.kind === 'cancel') return command;
  const recorded = classified.sla;
  if (!recorded) {
    return command.kind === 'open' ? notActionableOf(command) : command;
  }
  const open: OpenSlaCommand =
    command.kind === 'open' ? command : openOf(event, classified.classification, command, policies, options);
  return { ...open, policyId: recorded.policy_id, warnAt: recorded.warn_at, dueAt: recorded.due_at };
}

function notActionableOf(open: OpenSlaCommand): NotActionableCommand {
  const { commentKey, shard, region, category, priority } = open;
  return { kind: 'notActionable', commentKey, shard, region, category, priority };
}

/** An open for a comment today's policy would not open (the recorded decision says it was opened). */
function openOf(
  event: CommentEvent,
  classification: Classification,
  notActionable: NotActionableCommand,
  policies: PolicyConfig,
  options: PlanOptions,
): OpenSlaCommand {
  return {
    kind: 'open',
    commentKey: notActionable.commentKey,
    shard: notActionable.shard,
    platform: event.platform,
    commentId: event.comment_id,
    threadId: event.thread_id,
    pageId: event.page_id,
    region: event.region,
    municipality: event.municipality,
    category: classification.category,
    priority: classification.priority,
    postedAt: event.posted_at,
    warnAt: 0,
    dueAt: 0,
    policyId: '',
    escalationIntervalMs: policies.escalation.every,
    maxEscalationLevel: policies.escalation.maxLevel,
    excerpt: excerptOf(event.text, options.excerptChars),
    url: event.url,
  };
}

/** An alert the sweepers published (read back from the alert topic). */
export interface PublishedAlert {
  commentKey: string;
  kind: AlertKind;
  level: number;
  /** Which of the appeal's deadlines (issue #16): its first reply, a next reply or its final answer. */
  target: SlaTarget;
  /** The Redis time of the claim that handed it out. */
  firedAt: number;
}

/** The identity of an alert: consumers deduplicate on it (alert.ts gives it as a UUID). */
export const alertSlotOf = (a: { commentKey: string; kind: AlertKind; level: number; target: SlaTarget }) =>
  `${a.commentKey}\u0000${a.target}\u0000${a.kind}\u0000${a.level}`;

/** A transition with the time it was applied at. */
export interface TimedCommand {
  at: number;
  command: SlaCommand;
}

/** An operator's action (issue #16) with its record time on the actions topic. */
export interface TimedAction {
  at: number;
  command: ActionCommand;
}

/**
 * One step of a replay, at the clock the original run had: apply transitions, or claim what was due
 * and acknowledge what the topic says was published.
 */
export type ReplayStep =
  | { kind: 'apply'; at: number; commands: SlaCommand[] }
  | { kind: 'act'; at: number; commands: ActionCommand[] }
  | { kind: 'alerts'; at: number };

/**
 * The order in which a rebuild replays the log: every transition at the time the worker applied it
 * (classified_at: a worker group shares it, so a group stays a group), every claim at the fired_at of
 * the alerts it handed out. At equal times the claim comes first (the worker applies a little after it
 * classifies), then classified comments, then deletes.
 *
 * A delete is not on the classified topic; it is read from the input with its record time, which is
 * when it was produced, not applied. The worker applied it after the comment's own record (same
 * partition) and, in practice, after any alert of the comment published before it: so it is replayed
 * no earlier than those. An operator's action is replayed at its record time, after the transitions of
 * the same instant (the worker applies a group's actions after its comments); one that came before its
 * comment waits for it in Redis, as it did the first time. (A sweeper that claimed before the delete and published after it has its alert
 * counted by the replay and not by the original: docs/faults.md "Rebuild from the log".)
 */
export function replaySteps(
  classified: readonly TimedCommand[],
  deletes: readonly TimedCommand[],
  alerts: readonly PublishedAlert[],
  actions: readonly TimedAction[] = [],
): ReplayStep[] {
  const latest = new Map<string, number>();
  const seen = (key: string, at: number) => latest.set(key, Math.max(at, latest.get(key) ?? at));
  for (const { at, command } of classified) if (command.kind !== 'answer') seen(command.commentKey, at);
  for (const a of alerts) seen(a.commentKey, a.firedAt);

  type Event = { at: number; rank: number; seq: number; command?: SlaCommand; action?: ActionCommand };
  const events: Event[] = [];
  let seq = 0;
  for (const a of alerts) events.push({ at: a.firedAt, rank: 0, seq: seq++ });
  for (const { at, command } of classified) events.push({ at, rank: 1, seq: seq++, command });
  for (const { at, command } of deletes) {
    events.push({ at: Math.max(at, latest.get(command.commentKey) ?? at), rank: 2, seq: seq++, command });
  }
  for (const { at, command } of actions) events.push({ at, rank: 3, seq: seq++, action: command });
  events.sort((a, b) => a.at - b.at || a.rank - b.rank || a.seq - b.seq);

  const steps: ReplayStep[] = [];
  for (const e of events) {
    const last = steps[steps.length - 1];
    if (e.action) {
      if (last?.kind === 'act' && last.at === e.at) last.commands.push(e.action);
      else steps.push({ kind: 'act', at: e.at, commands: [e.action] });
    } else if (!e.command) {
      if (!(last?.kind === 'alerts' && last.at === e.at)) steps.push({ kind: 'alerts', at: e.at });
    } else if (last?.kind === 'apply' && last.at === e.at) {
      last.commands.push(e.command);
    } else {
      steps.push({ kind: 'apply', at: e.at, commands: [e.command] });
    }
  }
  return steps;
}

/** The cancel of a DELETED input event (what planSla decides for it; no classification needed). */
export function deleteCommandOf(event: CommentEvent, options: PlanOptions): SlaCommand | null {
  if (event.op !== 'DELETED') return null;
  const { command } = planSla(event, NO_CLASSIFICATION, NO_POLICIES, options);
  return command;
}

const NO_CLASSIFICATION: Classification = {
  category: 'other',
  type: 'other',
  priority: 'normal',
  toxic: false,
  spam: false,
  actionable: false,
  confidence: 0,
  evidence: [],
  version: 'none',
  text_truncated: false,
};
/** planSla reads no policy for a delete. */
const NO_POLICIES = {} as PolicyConfig;

import type { AuthorKind } from '../contracts/schema-types.generated.js';
import type { FinalAnswerTarget } from './policy-lifecycle-schema.js';
import {
  calendarFor,
  computeDeadlines,
  resolvePolicy,
  type Deadlines,
  type PolicyConfig,
  type PolicySubject,
  type ResolvedPolicy,
} from './policy.js';
import { closeOfWorkingDays } from './working-days.js';

export { DEFAULT_TEMPLATE_PATTERNS, type FinalAnswerTarget } from './policy-lifecycle-schema.js';

/** The final-answer target of an appeal (docs/sla-policy.md#two-targets). */
export interface ResolvedFinalAnswer extends Omit<ResolvedPolicy, 'targetMs'> {
  target: FinalAnswerTarget;
}

/**
 * The final-answer policy of a subject, or null when its category or type opens no SLA. Per category and
 * priority like the first reply; its own warnFraction and escalation when set, else the first reply's.
 */
export function resolveFinalAnswer(config: PolicyConfig, subject: PolicySubject): ResolvedFinalAnswer | null {
  if (!resolvePolicy(config, subject)) return null;
  const { finalAnswer } = config;
  const categoryTarget = finalAnswer.categoryTargets[subject.category]?.[subject.priority];
  const policyId =
    categoryTarget === undefined
      ? `${config.name}/final/${subject.priority}`
      : `${config.name}/final/${subject.category}/${subject.priority}`;
  return {
    policyId,
    target: categoryTarget ?? finalAnswer.targets[subject.priority],
    warnFraction: finalAnswer.warnFraction ?? config.warnFraction,
    escalationIntervalMs: finalAnswer.escalation?.every ?? config.escalation.every,
    maxEscalationLevel: finalAnswer.escalation?.maxLevel ?? config.escalation.maxLevel,
    ...calendarFor(config, subject.region),
  };
}

/**
 * WARNING and BREACH of a final answer counted from `fromMs` (the first reply). Working days end at the
 * close of the last one; the WARNING comes once `warnFraction` of the working time up to it has passed.
 */
export function computeFinalDeadlines(resolved: ResolvedFinalAnswer, fromMs: number): Deadlines {
  const { calendar, target } = resolved;
  if ('durationMs' in target) {
    return computeDeadlines({ ...resolved, targetMs: target.durationMs }, fromMs);
  }
  const dueAtMs = closeOfWorkingDays(calendar, resolved.zone, fromMs, target.workingDays);
  const span = calendar.workingTimeBetween(fromMs, dueAtMs);
  return {
    warnAtMs: calendar.addWorkingTime(fromMs, Math.round(span * resolved.warnFraction)),
    dueAtMs,
  };
}

/** What a comment on the page does to the appeal it replies to (docs/sla-policy.md#what-counts-as-a-reply). */
export type ReplyKind = 'answer' | 'interim' | null;

/** Longer replies are never taken for a bare template (and are not scanned for one). */
const MAX_TEMPLATE_CHARS = 600;

/** Whether a comment by `authorKind` may answer an appeal under `config` (a BOT never does). */
export function answersAppeals(config: PolicyConfig, authorKind: AuthorKind): boolean {
  return authorKind !== 'BOT' && (config.replies.authors as readonly string[]).includes(authorKind);
}

/** Compiled once per config: the patterns are checked on every official reply. */
const templateCache = new WeakMap<PolicyConfig, readonly RegExp[]>();

function templatesOf(config: PolicyConfig): readonly RegExp[] {
  let compiled = templateCache.get(config);
  if (!compiled) {
    compiled = config.replies.templates.map((text) => new RegExp(text, 'iu'));
    templateCache.set(config, compiled);
  }
  return compiled;
}

/**
 * Whether a reply by `authorKind` with `text` answers (null: it does not count, a BOT never does), and
 * whether it is a bare template: that ends the first-reply target but is recorded as interim.
 */
export function replyKindOf(config: PolicyConfig, authorKind: AuthorKind, text: string): ReplyKind {
  if (!answersAppeals(config, authorKind)) return null;
  // A bare template is a sentence or two; a long reply is an answer, whatever it begins with.
  if (text.length > MAX_TEMPLATE_CHARS) return 'answer';
  const flat = text.replace(/\s+/g, ' ').trim();
  return templatesOf(config).some((re) => re.test(flat)) ? 'interim' : 'answer';
}

import { z } from 'zod';
import {
  AUTHOR_KIND_SYMBOLS,
  CATEGORY_SYMBOLS,
  PRIORITY_SYMBOLS,
} from '../contracts/schema-types.generated.js';
import { parseDuration } from './policy-duration.js';
import { duration, oneOf, partialRecord, strictObject } from './policy-schema-parts.js';

/**
 * The parts of the `sla:` section that follow an appeal past its first reply (issue #16,
 * docs/sla-policy.md#the-whole-life-of-an-appeal): the final-answer target, pauses, reopening and what
 * counts as a reply.
 */

/** A final answer is due at the close of a number of working days, or after a working duration. */
export type FinalAnswerTarget = { workingDays: number } | { durationMs: number };

const MAX_WORKING_DAYS = 90;

const finalTarget = z.any().transform((value: unknown, ctx): FinalAnswerTarget => {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 1 && value <= MAX_WORKING_DAYS) return { workingDays: value };
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: `expected a whole number of working days from 1 to ${MAX_WORKING_DAYS}, got ${value}`,
    });
    return z.NEVER;
  }
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined || ms <= 0) {
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: `expected working days (7) or a duration with a unit ("40s", "56h"), got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return { durationMs: ms };
});

/** The regulations' «7 working days» after the first reply, whatever the priority. */
const DEFAULT_FINAL_DAYS = 7;

/**
 * Bare acknowledgements that are no answer yet. Matched against the whole reply, case-insensitively,
 * after trimming and folding whitespace; the greeting and the closing are optional.
 */
export const DEFAULT_TEMPLATE_PATTERNS: readonly string[] = [
  '^(здравствуйте[!.,]?\\s*)?ваше (обращение|сообщение) (передано|направлено|зарегистрировано|принято)( в работу)?[^.!?]{0,120}[.!]?(\\s*спасибо[^.!?]*[.!]?)?$',
  '^(здравствуйте[!.,]?\\s*)?информация (передана|направлена)[^.!?]{0,120}[.!]?$',
];

const pattern = z.string({ error: 'expected a regular expression as a string' }).superRefine((text, ctx) => {
  try {
    new RegExp(text, 'iu');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(error as Error).message}` });
  }
});

/**
 * Authors whose comment on the page may answer. A BOT never does; a CITIZEN's (or UNKNOWN, taken for a
 * citizen) comment is owed an answer, so it cannot be one (docs/sla-policy.md).
 */
const REPLY_AUTHORS = ['OFFICIAL', 'MEDIA'] as const;
const replyAuthor = z.enum(REPLY_AUTHORS, {
  error: (issue) =>
    issue.input === 'BOT'
      ? 'a BOT never answers an appeal'
      : AUTHOR_KIND_SYMBOLS.includes(issue.input as never)
        ? `a ${String(issue.input)} comment is owed an answer and never is one`
        : `unknown author kind ${JSON.stringify(issue.input)}; expected one of ${REPLY_AUTHORS.join(', ')}`,
});

export const lifecyclePolicyShape = {
  finalAnswer: strictObject({
    targets: strictObject({
      critical: finalTarget.prefault(DEFAULT_FINAL_DAYS),
      high: finalTarget.prefault(DEFAULT_FINAL_DAYS),
      normal: finalTarget.prefault(DEFAULT_FINAL_DAYS),
      low: finalTarget.prefault(DEFAULT_FINAL_DAYS),
    }).prefault({}),
    categoryTargets: partialRecord(
      'category',
      CATEGORY_SYMBOLS,
      partialRecord('priority', PRIORITY_SYMBOLS, finalTarget),
    ).prefault({}),
    // Absent: the first reply's warnFraction and escalation apply.
    warnFraction: z
      .number({ error: 'expected a number between 0 and 1' })
      .gt(0, { error: 'must be more than 0' })
      .lt(1, { error: 'must be less than 1' })
      .optional(),
    escalation: strictObject({
      every: duration,
      maxLevel: z
        .number({ error: 'expected a whole number' })
        .refine(Number.isInteger, { error: 'expected a whole number' })
        .min(0, { error: 'must be 0 (no escalation) or more' })
        .max(100, { error: 'must be at most 100' }),
    }).optional(),
  }).prefault({}),
  pauses: strictObject({
    // Absent: a pause lasts until RESUMED, however long.
    maxPaused: duration.optional(),
  }).prefault({}),
  reopen: z.enum(['reopen', 'new-appeal'], oneOf('reopen mode', ['reopen', 'new-appeal'])).prefault('reopen'),
  replies: strictObject({
    authors: z
      .array(replyAuthor, { error: 'expected a list of author kinds, e.g. [OFFICIAL]' })
      .min(1, { error: 'at least one author kind must answer' })
      .prefault(['OFFICIAL']),
    templates: z
      .array(pattern, { error: 'expected a list of regular expressions' })
      .prefault([...DEFAULT_TEMPLATE_PATTERNS]),
  }).prefault({}),
};

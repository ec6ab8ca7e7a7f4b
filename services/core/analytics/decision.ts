/**
 * A management decision, as `otklik decisions add` records it: what was decided, when, for which
 * problem (category and theme words) in which place. Published as JSON on the decisions topic; the
 * analytics sink stores it beside the comments, where its effect is measured (measures/70-decisions.sql).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { stem } from '../classifier/stem.js';
import { CATEGORY_SYMBOLS } from '../contracts/schema-types.generated.js';

export const decisionSchema = z
  .object({
    decision_id: z.string().min(1).max(64),
    title: z.string().min(1).max(500),
    /** Midnight UTC of the day it was taken. */
    decided_at_ms: z.number().int().nonnegative(),
    region: z.string().regex(/^\d{2}$/, 'a two-digit region code'),
    municipality: z.string().min(1).max(200).nullable(),
    category: z.enum(CATEGORY_SYMBOLS),
    /** Stems of the theme words, as the classifier writes its lexicon phrases. */
    theme_stems: z.array(z.string().min(1).max(60)).max(20),
    incident_id: z.string().min(1).max(100).nullable(),
    recorded_at_ms: z.number().int().nonnegative(),
  })
  .strict();

export type Decision = z.infer<typeof decisionSchema>;

/** Theme words as stems: lower case, ё as е, letters only, through the classifier's stemmer. */
export function themeStemsOf(words: string): string[] {
  const found = words
    .toLowerCase()
    .replace(/ё/g, 'е')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .map((w) => stem(w));
  return [...new Set(found)];
}

export interface DecisionInput {
  title: string;
  decidedAtMs: number;
  region: string;
  municipality: string | null;
  category: string;
  theme: string;
  incidentId: string | null;
}

/**
 * The decision with its id: a hash of what it says, so recording the same decision twice (a retried
 * command) is one decision, one row, one key on the topic.
 */
export function decisionOf(input: DecisionInput, recordedAtMs: number): Decision {
  const themeStems = themeStemsOf(input.theme);
  const id = createHash('sha256')
    .update(
      JSON.stringify([
        input.title,
        input.decidedAtMs,
        input.region,
        input.municipality,
        input.category,
        themeStems,
        input.incidentId,
      ]),
    )
    .digest('hex')
    .slice(0, 16);
  return decisionSchema.parse({
    decision_id: `d-${id}`,
    title: input.title,
    decided_at_ms: input.decidedAtMs,
    region: input.region,
    municipality: input.municipality,
    category: input.category,
    theme_stems: themeStems,
    incident_id: input.incidentId,
    recorded_at_ms: recordedAtMs,
  });
}

export function encodeDecision(d: Decision): Buffer {
  return Buffer.from(JSON.stringify(d));
}

export function decodeDecision(value: Buffer): Decision {
  return decisionSchema.parse(JSON.parse(value.toString('utf8')));
}

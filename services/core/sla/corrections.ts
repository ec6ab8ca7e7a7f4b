import type { Category, CommentType, Priority } from '../contracts/schema-types.generated.js';

/** What the classifier said, or what an operator corrected (null: left as the classifier gave it). */
export interface Labels {
  category: Category | null;
  type: CommentType | null;
  priority: Priority | null;
  actionable: boolean | null;
}

/** One correction as a labelled example (docs/sla-policy.md#corrections), one JSONL line of the export. */
export interface LabelledCorrection {
  comment_key: string;
  action_id: string;
  operator_id: string;
  acted_at: number;
  text: string;
  classifier: Labels;
  operator: Labels;
}

export const CORRECTION_FIELDS = ['category', 'type', 'priority', 'actionable'] as const;
export type CorrectionField = (typeof CORRECTION_FIELDS)[number];

export interface FieldAgreement {
  /** Corrections in which the operator gave this field. */
  judged: number;
  /** Of those, how many said what the classifier had said. */
  agreed: number;
  /** agreed / judged; null when nothing was judged. */
  rate: number | null;
}

/**
 * Per field, how often the operators' judgement agreed with the classifier's, over the corrections that
 * judged the field. Only corrected comments are in the log, so this measures the classifier where an
 * operator looked twice, not its accuracy over all comments.
 */
export function agreementPerField(
  rows: Iterable<Pick<LabelledCorrection, 'classifier' | 'operator'>>,
): Record<CorrectionField, FieldAgreement> {
  const out = Object.fromEntries(
    CORRECTION_FIELDS.map((f) => [f, { judged: 0, agreed: 0, rate: null }]),
  ) as Record<CorrectionField, FieldAgreement>;
  for (const { classifier, operator } of rows) {
    for (const field of CORRECTION_FIELDS) {
      if (operator[field] === null) continue;
      out[field].judged += 1;
      if (operator[field] === classifier[field]) out[field].agreed += 1;
    }
  }
  for (const field of CORRECTION_FIELDS) {
    const a = out[field];
    a.rate = a.judged === 0 ? null : a.agreed / a.judged;
  }
  return out;
}

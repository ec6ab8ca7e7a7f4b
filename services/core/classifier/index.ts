import type { Classification } from '../contracts/schema-types.generated.js';
import { decideCategory, hasContentWord, withFallback } from './category.js';
import { CONCERN, CONCERN_COUNT, LEXICON_HASH, matcher } from './lexicons.js';
import type { Match } from './matcher.js';
import { markNegated } from './negation.js';
import { decidePriority } from './priority.js';
import { decideSpam } from './spam.js';
import { analyse } from './text.js';
import { decideToxicity } from './toxicity.js';
import { DEFAULT_MAX_TEXT_BYTES } from './limits.js';
import { utf8Prefix } from './truncate.js';
import type { Taxonomy } from './taxonomy.js';
import { decideType } from './type.js';
import { work } from './work.js';

export { DEFAULT_MAX_TEXT_BYTES } from './limits.js';
export {
  BUILTIN_TAXONOMIES,
  DEFAULT_TAXONOMY_ROUTING,
  TaxonomyRouter,
  type Taxonomy,
  type TaxonomyRouting,
} from './taxonomy.js';

/**
 * Rule-based classifier of Russian comments: pure, no I/O at call time (lexicons are compiled once at
 * module load), and explainable: `evidence` lists the words and phrases that decided each concern.
 */

export interface ClassifierInput {
  text: string;
  /** Epoch ms; decides whether a heating outage is critical (heating season). */
  postedAt?: number;
  /** Federal subject code, e.g. "54". */
  region?: string;
  /**
   * CommentEvent author.kind. Only a citizen's (or an unknown author's) text can be an appeal that
   * names no topic; an official's reply or a media post without a topic word stays 'other'.
   */
  authorKind?: string;
  /**
   * Bytes of UTF-8 read from the start of the text (default DEFAULT_MAX_TEXT_BYTES, 16 KiB); the rest
   * is ignored and `text_truncated` set. What one comment costs is linear in this, not in the text.
   */
  maxTextBytes?: number;
  /**
   * The de-obfuscation layer of normalisation (deobfuscate.ts; on by default). Off only to measure
   * what it does (`npm run evaluate -- --deobfuscation compare`).
   */
  deobfuscate?: boolean;
  /**
   * The categories the comment's source routes to (its page's or region's taxonomy, resolved by a
   * TaxonomyRouter); every category when absent. A label outside it is never given.
   */
  taxonomy?: Taxonomy;
}

const APPEAL_AUTHORS = new Set(['CITIZEN', 'UNKNOWN']);

/** Rules version plus a hash of the lexicon files. */
export const CLASSIFIER_VERSION: string = `rules-1.0.0+lex.${LEXICON_HASH}`;

export function classify(input: ClassifierInput): Classification {
  const whole = typeof input.text === 'string' ? input.text : '';
  const { text, truncated } = utf8Prefix(whole, input.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES);
  const { tokens, signals } = analyse(text, { deobfuscate: input.deobfuscate !== false });
  const negated = markNegated(tokens);

  const byConcern: Match[][] = [];
  for (let c = 0; c < CONCERN_COUNT; c++) byConcern.push([]);
  const matches = matcher.match(tokens, negated);
  for (const m of matches) (byConcern[m.concern] as Match[]).push(m);
  work.steps += matches.length;

  const topicMatches = byConcern[CONCERN.category] as Match[];
  const decided = decideCategory(topicMatches, input.taxonomy?.labels);
  const spam = decideSpam(byConcern[CONCERN.spam] as Match[], signals);
  const type = decideType(
    byConcern[CONCERN.type] as Match[],
    topicMatches,
    signals,
    decided.category !== 'other',
  );
  const toxic = decideToxicity(byConcern[CONCERN.toxicity] as Match[], tokens, signals);
  const priority = decidePriority(byConcern[CONCERN.priority] as Match[], {
    type: type.type,
    spam: spam.flag,
    postedAt: input.postedAt,
    region: input.region,
  });
  const byCitizen = input.authorKind === undefined || APPEAL_AUTHORS.has(input.authorKind);
  const category = withFallback(
    decided,
    byCitizen && !spam.flag && type.type !== 'gratitude' && hasContentWord(tokens),
  );
  const actionable =
    !spam.flag && (type.type === 'complaint' || type.type === 'question' || type.type === 'suggestion');

  return {
    category: category.category,
    type: type.type,
    priority: priority.priority,
    toxic: toxic.flag,
    spam: spam.flag,
    actionable,
    confidence: category.confidence,
    evidence: [
      ...category.evidence,
      ...type.evidence,
      ...priority.evidence,
      ...toxic.evidence,
      ...spam.evidence,
    ],
    version: CLASSIFIER_VERSION,
    text_truncated: truncated,
  };
}

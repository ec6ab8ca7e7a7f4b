import type { Category, Evidence } from '../contracts/schema-types.generated.js';
import { CATEGORY_SYMBOLS } from '../contracts/schema-types.generated.js';
import { evidenceOf } from './evidence.js';
import { categoryLexicon } from './lexicons.js';
import type { Match } from './matcher.js';
import type { Token } from './token.js';
import { scoreByLabel } from './matcher.js';
import { work } from './work.js';

export interface CategoryDecision {
  category: Category;
  confidence: number;
  evidence: Evidence[];
  /** No topic word decided anything: 'other' here is a guess that `withFallback` may replace. */
  undecided: boolean;
}

const KNOWN = new Set<string>(CATEGORY_SYMBOLS);
const CORE = new Set<string>(categoryLexicon.coreLabels);
// Scores are sums of weights of about 1..5; this temperature turns a lead of ~3 into ~85% confidence.
const TEMPERATURE = 1.6;

/**
 * The category with the highest total weight, with two rules that keep rare topics from firing on a
 * word that also occurs in ordinary municipal complaints:
 * - a non-core label (ecology, healthcare...) needs minScore, and 'other' needs otherMinScore (a word
 *   that names its topic, not a hint), and either must beat the best core label (housing, yards,
 *   roads) by specialistMargin ("вонь в подъезде" stays housing);
 * - a core label wins on any evidence when nothing else is decisive ("Кран капает" is housing).
 * With no decisive evidence the category is 'other' and `undecided` is set. `allowed` (the comment's
 * routing taxonomy, taxonomy.ts) restricts the candidates.
 */
export function decideCategory(matches: readonly Match[], allowed?: ReadonlySet<string>): CategoryDecision {
  const scores = scoreByLabel(matches);
  // A label the source's taxonomy lacks is no candidate: its evidence is dropped, not moved elsewhere.
  if (allowed !== undefined) for (const label of scores.keys()) if (!allowed.has(label)) scores.delete(label);
  const { minScore, otherMinScore, specialistMargin } = categoryLexicon;
  let core = 'other';
  let coreScore = 0;
  let special = 'other';
  let specialScore = 0;
  for (const [label, score] of scores) {
    if (!KNOWN.has(label)) continue;
    if (CORE.has(label)) {
      if (score > coreScore) {
        core = label;
        coreScore = score;
      }
    } else if (score > specialScore) {
      special = label;
      specialScore = score;
    }
  }
  let best = 'other';
  let bestScore = 0;
  const needed = special === 'other' ? otherMinScore : minScore;
  if (specialScore >= needed && specialScore > coreScore && specialScore >= coreScore + specialistMargin) {
    best = special;
    bestScore = specialScore;
  } else if (coreScore > 0) {
    best = core;
    bestScore = coreScore;
  }
  const undecided = bestScore === 0;
  const otherScore = scores.get('other') ?? 0;
  // Softmax over the labels that scored, with 'other' held at the threshold as the alternative.
  // With no evidence at all, 'other' is a guess, not a certainty.
  const otherFloor = Math.max(otherScore, minScore);
  if (undecided) bestScore = otherFloor;
  let total = Math.exp(otherFloor / TEMPERATURE);
  for (const [label, score] of scores) if (label !== 'other') total += Math.exp(score / TEMPERATURE);
  const confidence = scores.size === 0 ? 0.5 : Math.exp(bestScore / TEMPERATURE) / total;
  const decisive: Match[] = [];
  for (const m of matches) if (m.label === best) decisive.push(m);
  work.steps += matches.length;
  return {
    category: best as Category,
    confidence: Math.round(confidence * 1000) / 1000,
    evidence: evidenceOf('category', decisive, true),
    undecided,
  };
}

/**
 * An appeal that names no topic we know is most often about the shared space of the city (an object we
 * have no word for: «Роллет», «камни»), so it gets the lexicon's fallback label with a low confidence.
 * Gratitude, spam and texts whose only words are chat (greetings, assent, pronouns: «Привет», «Ну да»)
 * or not Cyrillic stay 'other': they are not appeals.
 */
export function withFallback(
  decision: CategoryDecision,
  isAppeal: boolean,
): Pick<CategoryDecision, 'category' | 'confidence' | 'evidence'> {
  if (!decision.undecided || !isAppeal) return decision;
  return {
    category: categoryLexicon.fallback,
    confidence: categoryLexicon.fallbackConfidence,
    evidence: [{ concern: 'category', feature: `${categoryLexicon.fallback}:no_topic_word`, weight: 0 }],
  };
}

/** Whether the text has a Cyrillic word of two letters or more that is not a chat word. */
export function hasContentWord(tokens: readonly Token[]): boolean {
  work.steps += tokens.length;
  for (const t of tokens) {
    const first = t.norm.charCodeAt(0);
    if (t.norm.length < 2 || first < 0x430 || first > 0x44f) continue;
    if (!categoryLexicon.chatWords.has(t.norm)) return true;
  }
  return false;
}

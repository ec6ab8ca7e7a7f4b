import type { Category, Evidence } from '../contracts/schema-types.generated.js';
import { CATEGORY_SYMBOLS } from '../contracts/schema-types.generated.js';
import { evidenceOf } from './evidence.js';
import { categoryLexicon } from './lexicons.js';
import type { Match } from './matcher.js';
import { scoreByLabel } from './matcher.js';

export interface CategoryDecision {
  category: Category;
  confidence: number;
  evidence: Evidence[];
}

const KNOWN = new Set<string>(CATEGORY_SYMBOLS);
// Scores are sums of weights of about 1..5; this temperature turns a lead of ~3 into ~85% confidence.
const TEMPERATURE = 1.6;

/** The category with the highest total weight; 'other' when nothing reaches the lexicon's minScore. */
export function decideCategory(matches: readonly Match[]): CategoryDecision {
  const scores = scoreByLabel(matches);
  let best: string = 'other';
  let bestScore = 0;
  for (const [label, score] of scores) {
    if (label === 'other' || !KNOWN.has(label)) continue;
    if (score > bestScore) {
      best = label;
      bestScore = score;
    }
  }
  const otherScore = scores.get('other') ?? 0;
  if (bestScore < categoryLexicon.minScore || otherScore > bestScore) {
    best = 'other';
    bestScore = Math.max(otherScore, categoryLexicon.minScore);
  }
  // Softmax over the labels that scored, with 'other' held at the threshold as the alternative.
  // With no evidence at all, 'other' is a guess, not a certainty.
  const otherFloor = Math.max(otherScore, categoryLexicon.minScore);
  let total = Math.exp(otherFloor / TEMPERATURE);
  for (const [label, score] of scores) if (label !== 'other') total += Math.exp(score / TEMPERATURE);
  const confidence = scores.size === 0 ? 0.5 : Math.exp(bestScore / TEMPERATURE) / total;
  const decisive: Match[] = [];
  for (const m of matches) if (m.label === best) decisive.push(m);
  return {
    category: best as Category,
    confidence: Math.round(confidence * 1000) / 1000,
    evidence: evidenceOf('category', decisive, true),
  };
}

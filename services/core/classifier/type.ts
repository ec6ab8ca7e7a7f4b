import type { CommentType, Evidence } from '../contracts/schema-types.generated.js';
import { evidenceOf } from './evidence.js';
import { typeLexicon } from './lexicons.js';
import type { Match } from './matcher.js';
import { scoreByLabel } from './matcher.js';
import type { TextSignals } from './text.js';
import { work } from './work.js';

export interface TypeDecision {
  type: CommentType;
  evidence: Evidence[];
}

// On a tie the earlier kind wins: a question gets an answer whatever else it is.
const ORDER: readonly CommentType[] = ['question', 'complaint', 'suggestion'];

/**
 * Complaint, question, suggestion or gratitude from cue words, question marks and negated topic words
 * ("нет воды", "лифт не работает" are complaints even without a complaint word).
 */
export function decideType(
  typeMatches: readonly Match[],
  topicMatches: readonly Match[],
  signals: TextSignals,
  hasTopic: boolean,
): TypeDecision {
  const scores = scoreByLabel(typeMatches);
  const evidence = evidenceOf('type', typeMatches, true);
  if (signals.questionMarks > 0) {
    const q = Math.min(
      typeLexicon.questionMarkCap,
      typeLexicon.questionMark + 0.5 * (signals.questionMarks - 1),
    );
    scores.set('question', (scores.get('question') ?? 0) + q);
    evidence.push({ concern: 'type', feature: 'question:?', weight: q });
  }
  work.steps += topicMatches.length;
  let negatedTopic: Match | undefined;
  for (const m of topicMatches) {
    if (m.negated && m.weight > 0 && m.label !== 'other') {
      negatedTopic = m;
      break;
    }
  }
  if (negatedTopic !== undefined) {
    const w = typeLexicon.negatedTopic;
    scores.set('complaint', (scores.get('complaint') ?? 0) + w);
    evidence.push({ concern: 'type', feature: `complaint:не/нет ${negatedTopic.feature}`, weight: w });
  }

  let best: CommentType = 'other';
  let bestScore = 0;
  for (const t of ORDER) {
    const s = scores.get(t) ?? 0;
    if (s > bestScore) {
      best = t;
      bestScore = s;
    }
  }
  const gratitude = scores.get('gratitude') ?? 0;
  if (gratitude >= typeLexicon.minScore && gratitude >= bestScore + typeLexicon.gratitudeMargin) {
    best = 'gratitude';
    bestScore = gratitude;
  }
  if (bestScore < typeLexicon.minScore) {
    best = 'other';
    // A bare report of a topic object ("Открыт люк", "Граффити на фасаде") is a complaint: people do not
    // write to an administration about a manhole to praise it.
    if (hasTopic && gratitude === 0) {
      best = 'complaint';
      evidence.push({
        concern: 'type',
        feature: 'complaint:topic_without_cue',
        weight: typeLexicon.minScore,
      });
    }
  }
  return { type: best, evidence };
}

import type { Evidence } from '../contracts/schema-types.generated.js';
import { evidenceOf } from './evidence.js';
import { toxicityLexicon } from './lexicons.js';
import type { Match } from './matcher.js';
import type { TextSignals } from './text.js';
import type { Token } from './token.js';
import { work } from './work.js';

export interface FlagDecision {
  flag: boolean;
  evidence: Evidence[];
}

/** Insults, obscenity, slurs and threats; more weight when the comment is aimed at someone. */
export function decideToxicity(
  matches: readonly Match[],
  tokens: readonly Token[],
  signals: TextSignals,
): FlagDecision {
  let score = 0;
  let addressed = signals.mentions > 0;
  const seen = new Set<string>();
  const scored: Match[] = [];
  for (const m of matches) {
    if (m.label === 'addressee') {
      addressed = true;
      continue;
    }
    if (seen.has(m.feature)) continue;
    seen.add(m.feature);
    score += m.weight;
    scored.push(m);
  }
  work.steps += matches.length + tokens.length;
  const evidence = evidenceOf('toxic', scored, false);
  let maskedCount = 0;
  for (const t of tokens) if (t.masked) maskedCount++;
  if (maskedCount > 0) {
    score += toxicityLexicon.masked;
    evidence.push({ concern: 'toxic', feature: 'masked_word', weight: toxicityLexicon.masked });
  }
  if (score > 0 && addressed) {
    score += toxicityLexicon.addressed;
    evidence.push({ concern: 'toxic', feature: 'addressed', weight: toxicityLexicon.addressed });
  }
  return { flag: score >= toxicityLexicon.threshold, evidence };
}

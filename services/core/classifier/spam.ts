import { evidenceOf } from './evidence.js';
import { spamLexicon } from './lexicons.js';
import type { Match } from './matcher.js';
import type { TextSignals } from './text.js';
import type { FlagDecision } from './toxicity.js';
import { work } from './work.js';

/** Advertising, scams and link farms: sales words plus links and phone numbers. */
export function decideSpam(matches: readonly Match[], signals: TextSignals): FlagDecision {
  let score = 0;
  const seen = new Set<number>();
  for (const m of matches) {
    if (seen.has(m.groupId)) continue;
    seen.add(m.groupId);
    score += m.weight;
  }
  work.steps += matches.length;
  const evidence = evidenceOf('spam', matches, false);
  if (signals.links > 0) {
    const w = Math.min(spamLexicon.linkCap, signals.links * spamLexicon.link);
    score += w;
    evidence.push({ concern: 'spam', feature: 'link', weight: w });
    if (signals.cyrillicLetters === 0) {
      score += spamLexicon.noCyrillic;
      evidence.push({ concern: 'spam', feature: 'no_cyrillic', weight: spamLexicon.noCyrillic });
    }
  }
  if (signals.phones > 0) {
    const w = Math.min(spamLexicon.phoneCap, signals.phones * spamLexicon.phone);
    score += w;
    evidence.push({ concern: 'spam', feature: 'phone', weight: w });
  }
  return { flag: score >= spamLexicon.threshold, evidence };
}

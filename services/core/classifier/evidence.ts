import type { Evidence } from '../contracts/schema-types.generated.js';
import type { Match } from './matcher.js';

const MAX_PER_CONCERN = 6;

/** The strongest matches of one concern, as evidence an operator can read ("housing_utilities:лифт*"). */
export function evidenceOf(concern: string, matches: readonly Match[], withLabel: boolean): Evidence[] {
  const out: Evidence[] = [];
  if (matches.length === 0) return out;
  // Few matches per comment: a selection by repeated scans beats sorting a copy.
  const taken = new Uint8Array(matches.length);
  while (out.length < MAX_PER_CONCERN) {
    let best = -1;
    let bestWeight = 0;
    for (let i = 0; i < matches.length; i++) {
      const w = Math.abs((matches[i] as Match).weight);
      if (taken[i] === 0 && w > bestWeight) {
        best = i;
        bestWeight = w;
      }
    }
    if (best < 0) break;
    taken[best] = 1;
    const m = matches[best] as Match;
    const feature = withLabel ? m.labelled : m.feature;
    let duplicate = false;
    for (const e of out) if (e.feature === feature) duplicate = true;
    if (!duplicate) out.push({ concern, feature, weight: m.weight });
  }
  return out;
}

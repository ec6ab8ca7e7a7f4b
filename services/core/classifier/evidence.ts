import type { Evidence } from '../contracts/schema-types.generated.js';
import type { Match } from './matcher.js';
import { work } from './work.js';

const MAX_PER_CONCERN = 6;

/**
 * The strongest matches of one concern, as evidence an operator can read ("housing_utilities:лифт*"):
 * at most six distinct features, strongest first (by absolute weight; on a tie, the one matched first),
 * each with the weight of its strongest match. Matches of weight 0 are no evidence.
 *
 * One pass keeps the six strongest features seen so far, each at its strongest match: at most six
 * comparisons per match, however often a feature repeats (a text of one word repeated is one feature).
 * A feature pushed out has six stronger ones ahead of it, which only get stronger, so it can only come
 * back with a stronger match, which is then its strongest.
 */
export function evidenceOf(concern: string, matches: readonly Match[], withLabel: boolean): Evidence[] {
  const out: Evidence[] = [];
  if (matches.length === 0) return out;
  // Indexes into matches, strongest first; a later match of equal weight goes after the earlier ones.
  const top: number[] = [];
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i] as Match;
    const w = Math.abs(m.weight);
    if (!(w > 0)) continue;
    const feature = withLabel ? m.labelled : m.feature;
    let at = -1;
    for (let k = 0; k < top.length; k++) {
      const other = matches[top[k] as number] as Match;
      if ((withLabel ? other.labelled : other.feature) === feature) {
        at = k;
        break;
      }
    }
    if (at >= 0) {
      if (!(w > strengthAt(matches, top[at] as number))) continue;
      top.splice(at, 1);
    } else if (top.length === MAX_PER_CONCERN) {
      if (!(w > strengthAt(matches, top[MAX_PER_CONCERN - 1] as number))) continue;
      top.pop();
    }
    let k = top.length;
    while (k > 0 && strengthAt(matches, top[k - 1] as number) < w) k--;
    top.splice(k, 0, i);
  }
  work.steps += matches.length * MAX_PER_CONCERN;
  for (const i of top) {
    const m = matches[i] as Match;
    out.push({ concern, feature: withLabel ? m.labelled : m.feature, weight: m.weight });
  }
  return out;
}

function strengthAt(matches: readonly Match[], i: number): number {
  return Math.abs((matches[i] as Match).weight);
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../../../services/core/contracts/schema-types.generated.js';
import { evidenceOf } from '../../../../services/core/classifier/evidence.js';
import { scoreByLabel, type Match } from '../../../../services/core/classifier/matcher.js';

/**
 * The evidence selection as it was before it became linear (it rescanned every match for each pick, so
 * a feature repeated n times cost n² steps). Kept here as the specification the linear one must meet.
 */
function quadraticEvidenceOf(concern: string, matches: readonly Match[], withLabel: boolean): Evidence[] {
  const out: Evidence[] = [];
  if (matches.length === 0) return out;
  const taken = new Uint8Array(matches.length);
  while (out.length < 6) {
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

/** The scoring as it was before: parallel arrays searched for each match's group. */
function searchingScoreByLabel(matches: readonly Match[]): Map<string, number> {
  const scores = new Map<string, number>();
  const seenGroups: number[] = [];
  const seenCounts: number[] = [];
  for (const m of matches) {
    let n = 0;
    const at = seenGroups.indexOf(m.groupId);
    if (at < 0) {
      seenGroups.push(m.groupId);
      seenCounts.push(1);
    } else {
      n = seenCounts[at] as number;
      seenCounts[at] = n + 1;
      if (n > 2) continue;
    }
    const w = n === 0 ? m.weight : m.weight * 0.25;
    scores.set(m.label, (scores.get(m.label) ?? 0) + w);
  }
  return scores;
}

// Few labels, features and groups, so that repeats, ties and shared features are the rule.
const match: fc.Arbitrary<Match> = fc
  .record({
    label: fc.constantFrom('a', 'b', 'c'),
    feature: fc.constantFrom('f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'),
    groupId: fc.integer({ min: 0, max: 12 }),
    weight: fc.oneof(
      fc.constantFrom(0, -0, 0.5, 1, 2, 3, 4, -1, -2, -3),
      fc.double({ min: -5, max: 5, noNaN: true }),
    ),
    start: fc.nat(50),
    negated: fc.boolean(),
  })
  .map((m) => ({
    ...m,
    concern: 0,
    group: `g${m.groupId}`,
    labelled: `${m.label}:${m.feature}`,
    end: m.start + 1,
  }));

describe('evidence selection', () => {
  it('picks exactly what the quadratic selection picked, on any list of matches', () => {
    fc.assert(
      fc.property(fc.array(match, { maxLength: 80 }), fc.boolean(), (matches, withLabel) => {
        expect(evidenceOf('c', matches, withLabel)).toEqual(quadraticEvidenceOf('c', matches, withLabel));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps six distinct features, strongest first, the earlier one on a tie', () => {
    const m = (feature: string, weight: number): Match => ({
      concern: 0,
      label: 'x',
      feature,
      group: feature,
      groupId: 0,
      labelled: `x:${feature}`,
      weight,
      start: 0,
      end: 1,
      negated: false,
    });
    const matches = [
      m('a', 1),
      m('b', -3),
      m('a', 2),
      m('c', 0),
      m('d', 2),
      ...'efghij'.split('').map((f) => m(f, 1)),
    ];
    expect(evidenceOf('k', matches, false).map((e) => [e.feature, e.weight])).toEqual([
      ['b', -3],
      ['a', 2],
      ['d', 2],
      ['e', 1],
      ['f', 1],
      ['g', 1],
    ]);
  });
});

describe('scores by label', () => {
  it('add up exactly as the searching version did, on any list of matches', () => {
    fc.assert(
      fc.property(fc.array(match, { maxLength: 80 }), (matches) => {
        expect(scoreByLabel(matches)).toEqual(searchingScoreByLabel(matches));
      }),
      { numRuns: 3000 },
    );
  });
});

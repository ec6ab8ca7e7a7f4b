/** The stem index the detector's match and merge tests look groups up in, and the IDF table's weights. */
import { describe, expect, it } from 'vitest';
import { IdfTable } from '../../../../services/core/incidents/idf.js';
import { StemIndex } from '../../../../services/core/incidents/stem-index.js';

interface G {
  seq: number;
  stemCounts: Map<string, number>;
  mark: number;
}

const group = (seq: number, ...stems: string[]): G => ({
  seq,
  stemCounts: new Map(stems.map((s) => [s, 1])),
  mark: 0,
});

describe('StemIndex', () => {
  it('gives, per region, the groups using each stem, and fresh marks for lookups', () => {
    const index = new StemIndex<G>();
    const [a, b, c, d] = [group(3, 'вод', 'труб'), group(1, 'вод'), group(2, 'свет'), group(4, 'труб')];
    for (const [region, g] of [
      ['54', a],
      ['54', b],
      ['54', c],
      ['24', d],
    ] as const)
      for (const stem of g.stemCounts.keys()) index.add(region, stem, g);
    expect(index.region('54')?.get('вод')).toEqual([a, b]);
    expect(index.region('54')?.get('труб')).toEqual([a]);
    expect(index.region('24')?.get('вод')).toBeUndefined();
    expect(index.region('00')).toBeUndefined();
    expect([...index.regions()].sort()).toEqual(['24', '54']);
    expect(index.nextMark()).toBeLessThan(index.nextMark());
  });

  it('forgets the groups left out of a rebuild', () => {
    const index = new StemIndex<G>();
    const [a, b] = [group(1, 'вод'), group(2, 'вод')];
    index.add('54', 'вод', a);
    index.add('54', 'вод', b);
    index.rebuild(new Map([['54', [b]]]));
    expect(index.region('54')?.get('вод')).toEqual([b]);
  });
});

describe('IdfTable', () => {
  it('weighs a stem by log((docs + 1000) / (df + 1)), across a halving, never under 0.1', () => {
    const idf = new IdfTable(4);
    idf.add(['вод', 'свет']);
    idf.add(['вод']);
    idf.add(['вод']);
    expect(idf.weight('вод')).toBeCloseTo(Math.log(1003 / 4), 12);
    expect(idf.weight('газ')).toBeCloseTo(Math.log(1003), 12);
    idf.add(['вод']); // the fourth document halves the counts: 4 docs -> 2, вод 4 -> 2, свет 1 -> 0.5
    expect(idf.weight('вод')).toBeCloseTo(Math.log(1002 / 3), 12);
    expect(idf.weight('свет')).toBeCloseTo(Math.log(1002 / 1.5), 12);
    expect(new IdfTable(10).weight('x')).toBeGreaterThanOrEqual(0.1);
  });
});

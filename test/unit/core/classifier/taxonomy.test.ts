import { describe, expect, it } from 'vitest';
import {
  BUILTIN_TAXONOMIES,
  classify,
  DEFAULT_TAXONOMY_ROUTING,
  TaxonomyRouter,
} from '../../../../services/core/classifier/index.js';

const router = new TaxonomyRouter();
const spb = router.of({ region: '78' });
const kursk = router.of({ region: '46' });

describe('routing taxonomies', () => {
  it('finds a comment’s taxonomy by page first, then region, then the default', () => {
    const r = new TaxonomyRouter({
      ...DEFAULT_TAXONOMY_ROUTING,
      pages: { 'minzdrav-page': 'full' },
    });
    expect(r.of({ region: '78' }).name).toBe('spb-gorod');
    expect(r.of({ region: '46' }).name).toBe('kursk-appeals');
    expect(r.of({ region: '78', pageId: 'minzdrav-page' }).name).toBe('full');
    expect(r.of({ region: '78', pageId: 'some-other-page' }).name).toBe('spb-gorod');
    expect(r.of({ region: '54' }).name).toBe('full');
    expect(r.of({}).name).toBe('full');
    // Not an own property of the map: no taxonomy named after Object.prototype's members.
    expect(r.of({ region: 'constructor' }).name).toBe('full');
  });

  it('refuses a routing that names a missing taxonomy, an unknown label, or lacks the fallback', () => {
    expect(() => new TaxonomyRouter({ ...DEFAULT_TAXONOMY_ROUTING, regions: { '78': 'nope' } })).toThrow(
      /CLASSIFIER_TAXONOMY_INVALID: region 78: no taxonomy named nope/,
    );
    expect(
      () =>
        new TaxonomyRouter({
          ...DEFAULT_TAXONOMY_ROUTING,
          taxonomies: { ...BUILTIN_TAXONOMIES, roads: ['roads_transport'] },
        }),
    ).toThrow(/taxonomy roads: must include urban_improvement/);
    expect(
      () =>
        new TaxonomyRouter({
          ...DEFAULT_TAXONOMY_ROUTING,
          taxonomies: { ...BUILTIN_TAXONOMIES, odd: ['urban_improvement', 'weather' as never] },
        }),
    ).toThrow(/taxonomy odd: unknown category weather/);
  });

  it('never gives a label the source’s taxonomy lacks', () => {
    // A dump with smoke: ecology where every label is possible, a yard matter in St Petersburg.
    const dump = 'Стихийная свалка за гаражами, жгут мусор, дышать нечем';
    expect(classify({ text: dump }).category).toBe('ecology');
    expect(classify({ text: dump, taxonomy: kursk }).category).toBe('ecology');
    expect(classify({ text: dump, taxonomy: spb }).category).toBe('urban_improvement');
    // Stray dogs are `other` as a topic; St Petersburg's portal has no such category.
    const dogs = 'Бродячие собаки бегают стаей по району';
    expect(classify({ text: dogs }).category).toBe('other');
    expect(classify({ text: dogs, taxonomy: kursk }).category).toBe('other');
    expect(spb.labels.has(classify({ text: dogs, taxonomy: spb }).category)).toBe(true);
    // Kursk's portal has no public-safety group.
    const fire = 'Пожар в соседнем доме, приезжала полиция';
    expect(classify({ text: fire }).category).toBe('safety_emergency');
    expect(classify({ text: fire, taxonomy: kursk }).category).not.toBe('safety_emergency');
  });

  it('keeps the labels the taxonomy has, with their evidence, and `other` for what is no appeal', () => {
    const lift = classify({ text: 'Третий день не работает лифт в подъезде', taxonomy: spb });
    expect(lift.category).toBe('housing_utilities');
    expect(lift.evidence.some((e) => e.concern === 'category' && e.feature.startsWith('housing'))).toBe(true);
    expect(classify({ text: 'Огромное спасибо за работу!', taxonomy: spb }).category).toBe('other');
  });

  it('gives the same answer as no taxonomy when the taxonomy is the full one', () => {
    const full = router.named('full');
    for (const text of ['Нет горячей воды', 'Яма на дороге', 'Запах гари из промзоны', 'Привет всем']) {
      expect(classify({ text, taxonomy: full })).toEqual(classify({ text }));
    }
  });
});

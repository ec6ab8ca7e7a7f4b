import { describe, expect, it } from 'vitest';
import { Matcher } from '../../../../services/core/classifier/matcher.js';
import { markNegated } from '../../../../services/core/classifier/negation.js';
import { analyse } from '../../../../services/core/classifier/text.js';

function matcherOf(terms: Record<string, number>, label = 'x'): Matcher {
  return new Matcher(Object.entries(terms).map(([key, weight]) => ({ concern: 0, label, key, weight })));
}

function features(m: Matcher, text: string): string[] {
  const tokens = analyse(text).tokens;
  return m
    .match(tokens, markNegated(tokens))
    .map((x) => x.feature)
    .sort();
}

describe('lexicon matcher', () => {
  it('matches any word form through stems', () => {
    expect(features(matcherOf({ лифт: 1 }), 'Лифты и лифтом')).toEqual(['лифт', 'лифт']);
  });

  it('matches word families by prefix', () => {
    expect(features(matcherOf({ 'мусор*': 1 }), 'мусорка и мусоровоз')).toEqual(['мусор*', 'мусор*']);
  });

  it('prefers the longest key on one word', () => {
    const m = new Matcher([
      { concern: 0, label: 'urban', key: 'мусор*', weight: 1 },
      { concern: 0, label: 'housing', key: 'мусоропровод*', weight: 1 },
    ]);
    const tokens = analyse('засор мусоропровода').tokens;
    expect(m.match(tokens, markNegated(tokens)).map((x) => x.label)).toEqual(['housing']);
  });

  it('matches phrases across word forms with one word between', () => {
    const m = matcherOf({ 'горяч* вод*': 2 });
    expect(features(m, 'нет горячей воды')).toEqual(['горяч* вод*']);
    expect(features(m, 'горячая и чистая вода')).toEqual([]);
    expect(features(m, 'горячий чай. Вода')).toEqual([]);
  });

  it('lets a phrase consume its words so they do not also count alone', () => {
    const m = matcherOf({ 'детск* сад*': 3, сад: 1 });
    expect(features(m, 'детский сад')).toEqual(['детск* сад*']);
  });

  it('lists alternatives of one key, each a word or phrase', () => {
    const m = matcherOf({ 'пожар|запах газа': 5 });
    expect(features(m, 'пожар')).toEqual(['пожар']);
    expect(features(m, 'сильный запах газа')).toEqual(['запах газа']);
  });

  it('matches exact forms only with =', () => {
    const m = matcherOf({ '=благодаря': 0, благодарю: 3 });
    expect(features(m, 'благодаря соседям')).toEqual(['=благодаря']);
    expect(features(m, 'благодарю вас')).toEqual(['благодарю']);
  });

  it('honours negation: ! needs it, ~ is cancelled by it', () => {
    const m = matcherOf({ '!вод': 5, '~проблем*': 2 });
    expect(features(m, 'нет воды')).toEqual(['вод']);
    expect(features(m, 'вода чистая')).toEqual([]);
    expect(features(m, 'воды нет третий день')).toEqual(['вод']);
    expect(features(m, 'без проблем')).toEqual([]);
    expect(features(m, 'проблема с крышей')).toEqual(['проблем*']);
  });

  it('stops negation at punctuation', () => {
    const m = matcherOf({ '!свет': 5 });
    expect(features(m, 'воды нет, свет есть')).toEqual([]);
  });

  it('rejects an empty lexicon entry with a stable code', () => {
    expect(() => matcherOf({ '  ': 1 })).toThrow(/CLASSIFIER_LEXICON_INVALID/);
  });
});

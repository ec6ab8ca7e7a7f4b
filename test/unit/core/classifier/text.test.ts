import { describe, expect, it } from 'vitest';
// The lexicons decide which disguised words are read (deobfuscate.ts): load them.
import '../../../../services/core/classifier/index.js';
import { analyse } from '../../../../services/core/classifier/text.js';

const norms = (text: string): string[] => analyse(text).tokens.map((t) => t.norm);

describe('normalisation and tokenisation', () => {
  it('lower-cases and folds ё into е', () => {
    expect(norms('ЁЛКА Всё ЕЩЁ стоит')).toEqual(['елка', 'все', 'еще', 'стоит']);
  });

  it('drops VK mentions with the name inside, and counts them', () => {
    const a = analyse('[id123|Иван Петров], [club45|Администрация] когда уберут снег?');
    expect(a.tokens.map((t) => t.norm)).toEqual(['когда', 'уберут', 'снег']);
    expect(a.signals.mentions).toBe(2);
    expect(a.signals.questionMarks).toBe(1);
  });

  it('replaces links and counts them', () => {
    const a = analyse('Подробности тут https://example.com/a?b=1 и на www.test.org, а также сайт.рф');
    expect(a.tokens.map((t) => t.norm)).toEqual(['подробности', 'тут', 'и', 'на', 'а', 'также']);
    expect(a.signals.links).toBe(3);
  });

  it('keeps emoji as tokens of their own', () => {
    const a = analyse('Спасибо🙏 за работу 👍');
    expect(a.tokens.map((t) => t.norm)).toEqual(['спасибо', '🙏', 'за', 'работу', '👍']);
    expect(a.signals.emojis).toBe(2);
  });

  it('collapses letters stretched three times or more, and keeps real doubles', () => {
    expect(norms('Ооочень холоднооо, масса')).toEqual(['очень', 'холодно', 'масса']);
  });

  it('reads Latin and digit look-alikes inside Cyrillic words', () => {
    expect(norms('дeбuл xyйня п0мойка')).toEqual(['дебил', 'хуйня', 'помойка']);
  });

  it('leaves words with no Cyrillic alone', () => {
    expect(norms('Hello World 2024')).toEqual(['hello', 'world', '2024']);
  });

  it('writes ъ as ь so both spellings meet', () => {
    expect(norms('объявление обьявление')).toEqual(['обьявление', 'обьявление']);
  });

  it('marks words hidden behind masks that read as no known word', () => {
    const tokens = analyse('ну ты и ш*шлык').tokens;
    expect(tokens.find((t) => t.masked)?.norm).toBe('ш*шлык');
  });

  it('reads "3.14" before letters as the syllable "пи"', () => {
    expect(norms('3.14дец')).toEqual(['пидец']);
  });

  it('records clause and sentence breaks between words', () => {
    const brks = analyse('воды нет, свет есть. Всё').tokens.map((t) => t.brk);
    expect(brks).toEqual([0, 0, 1, 0, 2]);
  });

  it('stems so word forms meet', () => {
    const [a, b, c] = analyse('вода воды водой').tokens;
    expect(a?.stem).toBe(b?.stem);
    expect(b?.stem).toBe(c?.stem);
  });
});

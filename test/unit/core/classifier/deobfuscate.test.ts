import { describe, expect, it } from 'vitest';
import { classify } from '../../../../services/core/classifier/index.js';
import { analyse } from '../../../../services/core/classifier/text.js';

/** Hand-written cases of each trick of the de-obfuscation layer (no text from any data file). */
const norms = (text: string, deobfuscate = true): string[] =>
  analyse(text, { deobfuscate }).tokens.map((t) => t.norm);
const toxic = (text: string, deobfuscate = true): boolean => classify({ text, deobfuscate }).toxic;

describe('de-obfuscation: look-alikes', () => {
  it('reads Latin letters inside a Cyrillic word as the Cyrillic letters they look like', () => {
    expect(norms('дeбuл xyйня')).toEqual(['дебил', 'хуйня']);
  });

  it('reads digits and symbols as letters', () => {
    expect(norms('п0мойка 6ляdь п@дла')).toEqual(['помойка', 'блядь', 'падла']);
  });

  it('reads Greek letters as Cyrillic', () => {
    expect(norms('κοзел μразь')).toEqual(['козел', 'мразь']);
  });

  it('reads a word written in Latin look-alikes only', () => {
    expect(norms('cyka')).toEqual(['сука']);
  });

  it('reads Cyrillic look-alikes inside a Latin word as Latin', () => {
    // «с» and «о» are Cyrillic here.
    expect(norms('сoвid'.replace('в', 'v'))).toEqual(['covid']);
  });

  it('leaves a mixed word alone when no reading of it is a known word', () => {
    expect(norms('кaстрюля')).toEqual(['кaстрюля']);
    expect(analyse('кaстрюля').tokens[0]?.deobfuscated).toBeUndefined();
  });

  it('marks what it read, and reads nothing when switched off', () => {
    expect(analyse('дeбuл').tokens[0]?.deobfuscated).toBe(true);
    expect(norms('дeбuл', false)).toEqual(['дeбuл']);
  });
});

describe('de-obfuscation: repeats', () => {
  it('collapses letters stretched three times or more, also in disguised words', () => {
    expect(norms('сууука дебиииил cyyyka')).toEqual(['сука', 'дебил', 'сука']);
  });
});

describe('de-obfuscation: split words', () => {
  it('joins letters split by spaces', () => {
    expect(norms('ты д е б и л')).toEqual(['ты', 'дебил']);
  });

  it('joins letters split by dots, dashes and underscores', () => {
    expect(norms('с.у.к.а х-у-й м_р_а_з_ь')).toEqual(['сука', 'хуй', 'мразь']);
  });

  it('joins letters split by zero-width characters and soft hyphens', () => {
    expect(norms('д\u200bе\u200cб\u2060и\u00adл')).toEqual(['дебил']);
  });

  it('keeps a real word before or after the split letters', () => {
    expect(norms('ну т в а р ь')).toEqual(['ну', 'тварь']);
  });

  it('does not join ordinary short words, abbreviations or hyphenated words', () => {
    expect(norms('и в на т.е. кто-то из-за')).toEqual(['и', 'в', 'на', 'т', 'е', 'кто', 'то', 'из', 'за']);
  });
});

describe('de-obfuscation: masked letters', () => {
  it('fills a masked letter where that makes a known word', () => {
    const tokens = analyse('х*й с#ка бл%дь').tokens;
    expect(tokens.map((t) => t.norm)).toEqual(['хуй', 'сука', 'блядь']);
    expect(tokens.every((t) => !t.masked)).toBe(true);
  });

  it('reads a letter dotted out between two parts of a word', () => {
    expect(norms('бл.дь')).toEqual(['блядь']);
  });

  it('reads a letter hidden behind two or three dots or stars between two parts of a word', () => {
    expect(norms('с..ка')).toEqual(['сука']);
    expect(norms('х..й')).toEqual(['хуй']);
    expect(norms('бл...дь')).toEqual(['блядь']);
    // An ellipsis between ordinary words stays a break: their join is no known word.
    expect(norms('ну...и что')).toEqual(['ну', 'и', 'что']);
  });

  it('keeps an unknown masked word masked', () => {
    expect(analyse('ш*шлык').tokens[0]?.masked).toBe(true);
  });
});

describe('de-obfuscation: transliteration', () => {
  it('reads Russian typed in Latin letters', () => {
    expect(norms('suka debil mraz')).toEqual(['сука', 'дебил', 'мраз']);
  });

  it('knows the digraphs people type (sh, ch, zh, ya, kh)', () => {
    expect(norms('blyad shlyuha zhopa')).toEqual(['бляд', 'шлюха', 'жопа']);
  });

  it('leaves English and short Latin words alone', () => {
    expect(norms('Hello world, no he is OK')).toEqual(['hello', 'world', 'no', 'he', 'is', 'ok']);
  });
});

describe('de-obfuscation decides toxicity', () => {
  it.each(['ты д е б и л', 'ты дeбuл', 'ты с.у.к.а', 'ты cyka', 'ты м_р_а_з_ь', 'ты suka'])(
    '%s is toxic with the layer and was not without it',
    (text) => {
      expect(toxic(text)).toBe(true);
      expect(toxic(text, false)).toBe(false);
    },
  );
});

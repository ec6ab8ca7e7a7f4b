import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, DEFAULT_MAX_TEXT_BYTES } from '../../../../services/core/classifier/index.js';
import { utf8Prefix } from '../../../../services/core/classifier/truncate.js';
import { entryArguments } from '../../../../services/runtime/launch.js';

const bytesOf = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('the part of a text the classifier reads', () => {
  it('is the whole text up to the limit, in UTF-8 bytes', () => {
    const text = 'ж'.repeat(50); // 100 bytes
    expect(utf8Prefix(text, 100)).toEqual({ text, truncated: false });
    expect(utf8Prefix(text, 99)).toEqual({ text: 'ж'.repeat(49), truncated: true });
  });

  it('never splits a character, a surrogate pair included', () => {
    const text = 'ab😀😀'; // 2 + 4 + 4 bytes
    expect(utf8Prefix(text, 7)).toEqual({ text: 'ab😀', truncated: true });
    expect(utf8Prefix(text, 5)).toEqual({ text: 'ab', truncated: true });
  });

  it('ends before a word the cut would split, unless the word is very long', () => {
    expect(utf8Prefix('нет воды отопление', 28).text).toBe('нет воды ');
    const longWord = 'ю'.repeat(100);
    expect(utf8Prefix(`нет ${longWord}`, 147).text).toBe(`нет ${'ю'.repeat(70)}`);
  });

  it('for any text and limit: a prefix, within the limit, losing at most a short word', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.integer({ min: 0, max: 900 }),
        (text, max) => {
          const { text: kept, truncated } = utf8Prefix(text, max);
          expect(text.startsWith(kept)).toBe(true);
          expect(truncated).toBe(bytesOf(text) > max);
          if (!truncated) expect(kept).toBe(text);
          expect(bytesOf(kept)).toBeLessThanOrEqual(max);
          // A cut gives back at most 64 code units (3 bytes each) and a partial character.
          if (truncated) expect(bytesOf(kept)).toBeGreaterThan(max - 64 * 3 - 4);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('a comment longer than the classifier reads', () => {
  const complaint = 'Третий день нет горячей воды, управляющая компания не отвечает! ';
  const filler = 'Обычный текст про погоду и прогулки в парке. ';

  it('is classified on its first 16 KiB and says so', () => {
    let text = complaint;
    while (bytesOf(text) <= DEFAULT_MAX_TEXT_BYTES) text += filler;
    const c = classify({ text });
    expect(c.text_truncated).toBe(true);
    expect(c.category).toBe('housing_utilities');
    const read = utf8Prefix(text, DEFAULT_MAX_TEXT_BYTES).text;
    expect(c).toEqual({ ...classify({ text: read }), text_truncated: true });
    expect(classify({ text: read }).text_truncated).toBe(false);
  });

  it('ignores what comes after the limit, which the caller may raise', () => {
    let text = '';
    while (bytesOf(text) <= DEFAULT_MAX_TEXT_BYTES) text += filler;
    text += complaint;
    expect(classify({ text }).category).not.toBe('housing_utilities');
    const whole = classify({ text, maxTextBytes: 2 * DEFAULT_MAX_TEXT_BYTES });
    expect(whole.category).toBe('housing_utilities');
    expect(whole.text_truncated).toBe(false);
  });

  it('is not flagged when it is short', () => {
    expect(classify({ text: complaint }).text_truncated).toBe(false);
  });
});

describe('the classify command', () => {
  it('reads as much of a text as the worker and says when it cut one', () => {
    const long = 'Во дворе не вывозят мусор. '.repeat(700); // about 33 KB
    const input = [
      JSON.stringify({ id: 'long', text: long }),
      JSON.stringify({ id: 'short', text: 'Нет воды' }),
    ];
    const r = spawnSync(process.execPath, [...entryArguments('services/apps/classifier/classify.ts')], {
      cwd: join(import.meta.dirname, '../../../..'),
      input: input.join('\n') + '\n',
      encoding: 'utf8',
      timeout: 60_000,
    });
    const [first, second] = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ id: 'long', category: 'urban_improvement', text_truncated: true });
    expect(second?.id).toBe('short');
    expect(second).not.toHaveProperty('text_truncated');
  }, 60_000);
});

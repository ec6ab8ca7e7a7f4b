import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { excerptOf } from '../../../../services/core/sla/plan.js';

/** The definition: whitespace runs become one space, ends trimmed, cut to `chars` with an ellipsis. */
function reference(text: string, chars: number): string {
  if (chars <= 0) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= chars ? flat : `${flat.slice(0, chars - 1)}…`;
}

describe('excerptOf', () => {
  it('flattens whitespace and cuts with an ellipsis', () => {
    expect(excerptOf('  Нет\n\n воды   в доме  ', 60)).toBe('Нет воды в доме');
    expect(excerptOf('Нет горячей воды уже неделю', 10)).toBe('Нет горяч…');
    expect(excerptOf('anything', 0)).toBe('');
  });

  it('equals the definition on any text, long whitespace runs included', () => {
    const piece = fc.oneof(
      fc.constantFrom('а', 'б', 'word', '😡', '.'),
      fc.integer({ min: 1, max: 300 }).map((n) => ' \n\t'.repeat(n).slice(0, n)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 200 }), fc.integer({ min: 0, max: 80 }), (pieces, chars) => {
        const text = pieces.join('');
        expect(excerptOf(text, chars)).toBe(reference(text, chars));
      }),
      { numRuns: 500 },
    );
  });
});

import type { Token } from './text.js';

/**
 * Marks the words a negation or an absence word governs, so rules can say whether they need it
 * ("нет воды", "лифт не работает") or are cancelled by it ("нет проблем", "не против").
 * Scopes stop at punctuation: "воды нет, свет есть" negates water only.
 */
const FORWARD_ONLY = new Set(['не', 'ни', 'без', 'безо', 'нельзя']);
const BOTH_WAYS = new Set([
  'нет',
  'нету',
  'отсутствует',
  'отсутствуют',
  'отсутствие',
  'отсутствия',
  'отсутствием',
]);
const WINDOW = 2;

export function isNegator(token: Token): boolean {
  return FORWARD_ONLY.has(token.norm) || BOTH_WAYS.has(token.norm);
}

export function markNegated(tokens: readonly Token[]): Uint8Array {
  const negated = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const forward = FORWARD_ONLY.has(t.norm);
    if (!forward && !BOTH_WAYS.has(t.norm)) continue;
    for (let j = i + 1; j <= i + WINDOW && j < tokens.length; j++) {
      if ((tokens[j] as Token).brk > 0) break;
      negated[j] = 1;
    }
    if (forward) continue;
    for (let j = i - 1; j >= i - WINDOW && j >= 0; j--) {
      if ((tokens[j + 1] as Token).brk > 0) break;
      negated[j] = 1;
    }
  }
  return negated;
}

import type { Token } from './token.js';
import { work } from './work.js';

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

// Reused between calls (classification is synchronous): allocating a typed array per comment costs more
// than the marking itself.
let buffer = new Uint8Array(1024);

/** Flags per token; the array is only valid until the next call. */
export function markNegated(tokens: readonly Token[]): Uint8Array {
  if (buffer.length < tokens.length) buffer = new Uint8Array(tokens.length * 2);
  const negated = buffer.subarray(0, tokens.length);
  negated.fill(0);
  work.steps += 2 * tokens.length;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    // Every negator starts with н, б or о: most words are ruled out without a set lookup.
    const first = t.norm.charCodeAt(0);
    if (first !== 0x43d && first !== 0x431 && first !== 0x43e) continue;
    const forward = FORWARD_ONLY.has(t.norm);
    if (!forward && !BOTH_WAYS.has(t.norm)) continue;
    work.steps += 2 * WINDOW;
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

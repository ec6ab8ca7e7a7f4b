import { isWordUnit } from './text.js';
import { work } from './work.js';

/**
 * How far a cut may move back to the start of the word it would split: a cut word could read as
 * another one («отопление» cut to «отоп»). A longer "word" is no lexicon word and is cut where it is.
 */
const MAX_WORD_BACKOFF = 64;

export interface TextPrefix {
  text: string;
  /** Something was cut off. */
  truncated: boolean;
}

/**
 * The beginning of `text` that fits in `maxBytes` bytes of UTF-8, cut between characters (never inside
 * a surrogate pair) and, where that would split a word, before the word. Costs nothing for a text too
 * short to need a cut, and one pass over the kept part otherwise.
 */
export function utf8Prefix(text: string, maxBytes: number): TextPrefix {
  // A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, two units, is 4).
  if (!(text.length * 3 > maxBytes)) return { text, truncated: false };
  const n = text.length;
  let bytes = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    let size = 3;
    let units = 1;
    if (c < 0x80) size = 1;
    else if (c < 0x800) size = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        size = 4;
        units = 2;
      }
    }
    // A lone surrogate is written as U+FFFD, 3 bytes, as Buffer.byteLength counts it.
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += units;
  }
  work.steps += i;
  if (i >= n) return { text, truncated: false };
  let cut = i;
  if (cut > 0 && isWordUnit(text.charCodeAt(cut)) && isWordUnit(text.charCodeAt(cut - 1))) {
    const floor = Math.max(0, cut - MAX_WORD_BACKOFF);
    for (let k = cut - 1; k > floor; k--) {
      if (!isWordUnit(text.charCodeAt(k - 1))) {
        cut = k;
        break;
      }
    }
  }
  return { text: text.slice(0, cut), truncated: true };
}

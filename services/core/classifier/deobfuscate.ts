import type { KeyNode } from './vocabulary.js';
import { work } from './work.js';

/**
 * The de-obfuscation layer of normalisation: reads a word written to dodge a filter as the word meant,
 * but only when that reading is a word the lexicons know. People who hide a word hide one a filter
 * would catch, so "known" is the right test, and it keeps the layer from rewriting ordinary Latin words,
 * numbers or brand names into accidental Russian ones.
 *
 * Tricks undone here, one word at a time (splits across words are joined in text.ts):
 * - look-alikes in both directions: Latin, Greek, digits and symbols standing for Cyrillic letters
 *   («дeбuл», «xyйня», «п0мойка», «cyka»), and Cyrillic letters inside a Latin word («соvid»);
 * - transliteration, informal as people type it («nahuy», «blyat», «suka»: h and x for х, y for ы/й/у,
 *   sh/ch/zh/ya/yu digraphs, w for ш, 4 for ч);
 * - masked letters («х*й», «с#ка», «бл%дь»): each mask is tried as a vowel, or as nothing;
 * - letters stretched three times or more («сууука»), also after the other tricks are undone.
 *
 * Every word tries a bounded number of readings (MAX_READINGS), each a walk of a trie no deeper than
 * the word is long, so the cost stays linear in the text.
 */

/** What the layer needs of the lexicons. */
export interface Lexicons {
  /** How well the lexicons know a word: the length of the longest key it matches, 0 for none. */
  knownLength(word: string): number;
  /** The trie of every key string (stems, exact forms, prefixes): a known word starts with a key. */
  readonly keys: KeyNode;
}

/**
 * A reading counts only when it matches a key of three letters or more: two-letter stems of function
 * words («то», «из») would otherwise make a word of almost any disguised string.
 */
export const MIN_KNOWN_LENGTH = 3;

export interface Reading {
  /** The word as read: the first known reading, or the word as typed (lower case) when none is known. */
  norm: string;
  /** Letters are still hidden behind mask characters (no known reading filled them in). */
  masked: boolean;
  /** A trick was undone: the reading differs from the word as typed. */
  changed: boolean;
}

/** Readings tried per word, first choices first. */
const MAX_READINGS = 12;
/** Readings looked up whole (stemmed), best first. */
const MAX_VERIFIED = 3;
/** Longer "words" are not disguised words (a hidden word is short); they are read as typed. */
const MAX_WORD = 24;

const VOWELS = ['а', 'е', 'и', 'о', 'у', 'ы', 'я', 'ю', 'э'];
const MASK_CHARS = '*#%';

// What a non-Cyrillic character can stand for in a Russian word: look-alike shapes first, then sounds.
const AS_CYRILLIC: Record<string, readonly string[]> = {
  a: ['а'],
  b: ['в', 'б', 'ь'],
  c: ['с', 'ц'],
  d: ['д'],
  e: ['е', 'э'],
  f: ['ф'],
  g: ['г', 'д'],
  h: ['н', 'х'],
  i: ['и', 'й'],
  j: ['й', 'ж'],
  k: ['к'],
  l: ['л'],
  m: ['м', 'т'],
  n: ['п', 'н', 'и'],
  o: ['о'],
  p: ['р', 'п'],
  q: ['к'],
  r: ['г', 'р'],
  s: ['с'],
  t: ['т'],
  u: ['и', 'у'],
  v: ['в'],
  w: ['ш', 'в'],
  x: ['х'],
  y: ['у', 'ы', 'й'],
  z: ['з'],
  '0': ['о'],
  '3': ['з'],
  '4': ['ч', 'а'],
  '6': ['б'],
  '8': ['в'],
  '@': ['а', 'о'],
  $: ['с'],
  '€': ['е'],
  '©': ['с'],
  '®': ['р'],
  // Greek, lower case and capitals.
  α: ['а'],
  β: ['в', 'б'],
  γ: ['у', 'г'],
  δ: ['д'],
  ζ: ['з'],
  ε: ['е'],
  η: ['п', 'н'],
  ι: ['и'],
  κ: ['к'],
  λ: ['л'],
  μ: ['м'],
  ν: ['в'],
  ο: ['о'],
  π: ['п'],
  ρ: ['р'],
  σ: ['о'],
  τ: ['т'],
  υ: ['у', 'и'],
  φ: ['ф'],
  χ: ['х'],
  ψ: ['ш'],
  ω: ['ш'],
  ά: ['а'],
  έ: ['е'],
  ό: ['о'],
  ύ: ['у'],
  ί: ['и'],
};
// Transliteration digraphs (and longer), tried before the single letters they start with.
const DIGRAPHS: ReadonlyArray<readonly [string, string]> = [
  ['shch', 'щ'],
  ['sch', 'щ'],
  ['sh', 'ш'],
  ['ch', 'ч'],
  ['zh', 'ж'],
  ['kh', 'х'],
  ['ts', 'ц'],
  ['tz', 'ц'],
  ['ya', 'я'],
  ['ja', 'я'],
  ['ia', 'я'],
  ['yu', 'ю'],
  ['ju', 'ю'],
  ['iu', 'ю'],
  ['yo', 'е'],
  ['jo', 'е'],
  ['ye', 'е'],
  ['je', 'е'],
  ['ck', 'к'],
];
// A Cyrillic letter inside a Latin word reads as the Latin letter it looks like.
const AS_LATIN: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ѕ: 's',
  ј: 'j',
};
// Letters of other Cyrillic alphabets and the hard sign, read as the Russian letter they stand for.
const CYRILLIC_FOLD: Record<string, string> = {
  ё: 'е',
  ъ: 'ь',
  і: 'и',
  ї: 'и',
  є: 'е',
  ґ: 'г',
  ў: 'у',
};

function isRussianLetter(ch: string): boolean {
  return ch >= 'а' && ch <= 'я';
}

function isCyrillic(ch: string): boolean {
  return (ch >= 'а' && ch <= 'я') || CYRILLIC_FOLD[ch] !== undefined;
}

function isLatin(ch: string): boolean {
  return ch >= 'a' && ch <= 'z';
}

/** Runs of three or more of one letter written once ("сууука"); doubles are real spelling. */
export function collapseRuns(word: string): string {
  let out = '';
  const n = word.length;
  for (let i = 0; i < n;) {
    const ch = word[i] as string;
    let j = i + 1;
    while (j < n && word[j] === ch) j++;
    const isDigit = ch >= '0' && ch <= '9';
    out += isDigit || j - i < 3 ? word.slice(i, j) : ch;
    i = j;
  }
  return out;
}

/** ё→е, ъ→ь and other Cyrillic letters folded; nothing else changes. */
export function foldCyrillic(word: string): string {
  let out = '';
  for (const ch of word) out += CYRILLIC_FOLD[ch] ?? ch;
  return out;
}

/** The choices for one position: what the characters at `i` may stand for, and how many they take. */
function choicesAt(word: string, i: number, masks: number): Array<readonly [string, number]> {
  const ch = word[i] as string;
  if (isRussianLetter(ch)) return [[ch, 1]];
  const folded = CYRILLIC_FOLD[ch];
  if (folded !== undefined) return [[folded, 1]];
  const out: Array<readonly [string, number]> = [];
  if (isLatin(ch)) {
    for (const [latin, cyr] of DIGRAPHS) if (word.startsWith(latin, i)) out.push([cyr, latin.length]);
  }
  for (const cyr of AS_CYRILLIC[ch] ?? []) out.push([cyr, 1]);
  if (MASK_CHARS.includes(ch)) {
    // A mask hides one letter, most often a vowel; several masks in a word may hide fewer letters.
    for (const v of VOWELS) out.push([v, 1]);
    if (masks > 1) out.push(['', 1]);
  }
  if (out.length === 0) out.push([ch, 1]);
  return out;
}

/**
 * Readings of the word in order of preference (each position's first choice first) that can be known
 * words: the walk follows the trie of key strings and drops a reading at the first letter no key goes
 * on with, unless a key of MIN_KNOWN_LENGTH letters or more already ended on the way (a stem, after
 * which any ending may follow: it is completed with first choices only, not searched). So the readings
 * tried are bounded by the lexicons' keys, not by the ambiguity of the word; at most MAX_READINGS of
 * them are visited; `visit` stops the walk by returning true.
 */
function eachReading(
  word: string,
  keys: KeyNode,
  visit: (reading: string, keyLength: number) => boolean,
): void {
  let masks = 0;
  for (const ch of word) if (MASK_CHARS.includes(ch)) masks++;
  let budget = MAX_READINGS;
  const walk = (i: number, prefix: string, node: KeyNode | undefined, keyLength: number): boolean => {
    if (budget <= 0) return true;
    if (i >= word.length) {
      budget--;
      work.steps += prefix.length;
      return visit(prefix, keyLength);
    }
    const choices = choicesAt(word, i, masks);
    // Past the keys (after one ended), the ending is not searched: first choices only.
    const tries = node === undefined ? 1 : choices.length;
    for (let c = 0; c < tries; c++) {
      const [letters, width] = choices[c] as readonly [string, number];
      work.steps++;
      let next = node;
      let longest = keyLength;
      for (let k = 0; k < letters.length && next !== undefined; k++) {
        next = next.next.get(letters.charCodeAt(k));
        if (next !== undefined && next.ends >= MIN_KNOWN_LENGTH) longest = next.ends;
      }
      if (next === undefined && longest === 0) continue;
      if (walk(i + width, prefix + letters, next, longest)) return true;
      if (budget <= 0) return true;
    }
    return false;
  };
  walk(0, '', keys, 0);
}

function latinReading(word: string): string | null {
  let out = '';
  for (const ch of word) {
    if (isLatin(ch)) out += ch;
    else {
      const latin = AS_LATIN[ch];
      if (latin === undefined) return null;
      out += latin;
    }
  }
  return out;
}

/**
 * Reads one lower-case word whose characters are not all plain Russian letters. `known` says whether
 * a reading is a word the lexicons know.
 */
export function readWord(typed: string, lexicons: Lexicons): Reading {
  // Stretched letters first, so «cyyyka» is walked as «cyka».
  const word = collapseRuns(typed);
  work.steps += word.length;
  let cyrillic = 0;
  let latin = 0;
  let other = 0;
  let masks = 0;
  for (const ch of word) {
    if (isCyrillic(ch)) cyrillic++;
    else if (isLatin(ch)) latin++;
    else if (MASK_CHARS.includes(ch)) masks++;
    else other++;
  }
  const asTyped: Reading = { norm: word, masked: masks > 0, changed: false };
  if (cyrillic + latin === 0 || word.length > MAX_WORD) return asTyped;
  // A Latin word: only words long enough not to be an English article or a unit ("no", "he", "km").
  if (cyrillic === 0 && other === 0 && masks === 0 && latin < 3) return asTyped;
  // Mostly Latin with Cyrillic look-alikes inside: maybe a Latin word («соvid»).
  if (latin > cyrillic && cyrillic > 0) {
    const asLatin = latinReading(word);
    if (asLatin !== null && lexicons.knownLength(asLatin) >= MIN_KNOWN_LENGTH)
      return { norm: asLatin, masked: false, changed: true };
  }
  // Readings that start with a key (a stem, prefix or exact form of some lexicon word), longest key
  // first; the first of them the lexicons know as a whole wins (a stem must be the reading's own stem).
  // Only these few are stemmed and looked up: the walk already knows which keys each one passed.
  const candidates: Array<{ reading: string; keyLength: number }> = [];
  eachReading(word, lexicons.keys, (reading, keyLength) => {
    candidates.push({ reading, keyLength });
    return keyLength >= reading.length;
  });
  candidates.sort((a, b) => b.keyLength - a.keyLength);
  let found: string | null = null;
  for (let k = 0; k < candidates.length && k < MAX_VERIFIED; k++) {
    const reading = (candidates[k] as { reading: string }).reading;
    if (lexicons.knownLength(reading) >= MIN_KNOWN_LENGTH) {
      found = reading;
      break;
    }
  }
  if (found !== null) return { norm: found, masked: false, changed: found !== typed };
  // No known reading: only folds that are no trick (ё, ъ, stretched letters) apply.
  const plain = collapseRuns(foldCyrillic(word));
  return { norm: plain, masked: masks > 0, changed: false };
}

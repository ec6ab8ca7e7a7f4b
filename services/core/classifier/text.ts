import { stem } from './stem.js';
import type { Token, WordHome } from './token.js';
import { work } from './work.js';

/** Counts the rules read besides the words. */
export interface TextSignals {
  questionMarks: number;
  exclamations: number;
  links: number;
  mentions: number;
  phones: number;
  emojis: number;
  cyrillicLetters: number;
  latinLetters: number;
}

export interface AnalysedText {
  tokens: Token[];
  signals: TextSignals;
}

// Patterns compiled once. VK mentions carry a person's name, which is no evidence of anything.
const VK_MENTION = /\[(?:id|club|public|event)\d+\|[^\]]{0,80}\]/gi;
const AT_MENTION = /(^|\s)@[a-z0-9_.]{2,64}(?:\s*\([^)]{0,80}\))?/gi;
const URL =
  /(?:https?:\/\/|www\.)\S+|\b[a-z0-9][a-z0-9-]{0,62}\.(?:ru|com|su|net|org|info|me|io|ly|cc|link|site|online|club|xyz|pro|biz|shop|top)\b(?:\/\S*)?|[а-яё0-9-]{2,63}\.рф(?![а-яё])(?:\/\S*)?/gi;
const PHONE = /(?:\+7|\b8)[\s(-]{0,2}\d{3}[\s)-]{0,2}\d{3}[\s-]?\d{2}[\s-]?\d{2}\b/g;
const HAS_LATIN = /[a-z]/i;
// "3.14" read aloud is "пи", a well-known way to write a swear word's first syllable.
const PI_SYLLABLE = /3[.,]14(?=[а-яёa-z])/gi;

// Character classes, looked up by code unit.
const OTHER = 0;
const CYR = 1;
const LAT = 2;
const DIGIT = 3;
const MASK = 4;
const SENTENCE = 5;
const CLAUSE = 6;
const CLASS = new Uint8Array(0x500);
for (let c = 0x410; c <= 0x44f; c++) CLASS[c] = CYR;
for (const c of [0x401, 0x406, 0x407, 0x404, 0x490, 0x40e]) CLASS[c] = CYR; // Ё І Ї Є Ґ Ў
for (const c of [0x451, 0x456, 0x457, 0x454, 0x491, 0x45e]) CLASS[c] = CYR; // ё і ї є ґ ў
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = LAT;
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = LAT;
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = DIGIT;
for (const ch of '*%#@$') CLASS[ch.charCodeAt(0)] = MASK;
for (const ch of '.!?\n…') CLASS[ch.charCodeAt(0)] = SENTENCE;
for (const ch of ',;:()[]"«»') CLASS[ch.charCodeAt(0)] = CLAUSE;

/** Whether the code unit can stand inside a word (a letter, a digit or a mask character). */
export function isWordUnit(c: number): boolean {
  const cls = classOf(c);
  return cls === CYR || cls === LAT || cls === DIGIT || cls === MASK;
}

function classOf(c: number): number {
  if (c < 0x500) return CLASS[c] ?? OTHER;
  if (c === 0x2014 || c === 0x2013) return CLAUSE; // dashes
  if (c === 0x2026) return SENTENCE;
  return OTHER;
}

// Inside a word that has Cyrillic letters, these stand for the Cyrillic letters they resemble.
const LOOK_ALIKE: Record<string, string> = {
  a: 'а',
  b: 'в',
  c: 'с',
  e: 'е',
  h: 'н',
  k: 'к',
  m: 'м',
  n: 'п',
  o: 'о',
  p: 'р',
  r: 'г',
  t: 'т',
  u: 'и',
  x: 'х',
  y: 'у',
  '0': 'о',
  '3': 'з',
  '4': 'ч',
  '6': 'б',
  '@': 'а',
  $: 'с',
  ё: 'е',
  і: 'и',
  ї: 'и',
  є: 'е',
  ґ: 'г',
  ў: 'у',
  // People often type ь for ъ ("обьявление"): both spellings become one.
  ъ: 'ь',
};

function mapLookAlikes(word: string): string {
  // Most such words only carry ё: a replace is far cheaper than rebuilding the word.
  if (/^[а-яё]+$/.test(word)) return word.replaceAll('ё', 'е').replaceAll('ъ', 'ь');
  let out = '';
  for (const ch of word) out += LOOK_ALIKE[ch] ?? ch;
  return out;
}

/**
 * Collapses runs of three or more of one letter ("ооочень", "дааа") to one. Doubles are left alone: they
 * are real spelling ("масса", "ссора"); a doubled-letter typo ("воддой") is handled where words are
 * looked up (vocabulary.ts), by trying the word without doubles when it matches nothing as written.
 */
function collapseRuns(word: string): string {
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

function isEmoji(cp: number): boolean {
  return (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x2600 && cp <= 0x27bf);
}

// One scan decides whether any markup pattern can be present: most comments are plain Cyrillic.
const MARKUP_TRIGGER = /[[@a-z]|\.рф|\+7|8|3[.,]14/i;

function stripMarkup(text: string, signals: TextSignals): string {
  // Each pass below reads the text once (no replacement makes it longer); the patterns' quantifiers are
  // bounded or end at a character class, so no pass backtracks over more than a short stretch.
  work.steps += text.length;
  if (!MARKUP_TRIGGER.test(text)) return text;
  let t = text;
  let passes = 5;
  if (t.includes('[')) {
    passes++;
    t = t.replace(VK_MENTION, () => {
      signals.mentions++;
      return ' ';
    });
  }
  if (t.includes('@')) {
    passes++;
    t = t.replace(AT_MENTION, (_m, lead: string) => {
      signals.mentions++;
      return lead + ' ';
    });
  }
  if (t.includes('.')) {
    passes += 3;
    if (HAS_LATIN.test(t) || t.includes('.рф')) {
      passes++;
      t = t.replace(URL, () => {
        signals.links++;
        return ' . ';
      });
    }
    if (t.includes('3')) t = t.replace(PI_SYLLABLE, 'пи');
  }
  if (t.includes('8') || t.includes('+7')) {
    passes++;
    PHONE.lastIndex = 0;
    while (PHONE.exec(t) !== null) signals.phones++;
  }
  work.steps += passes * text.length;
  return t;
}

const F_CYR = 1;
const F_ODD = 2; // Latin, digits, masks or rare letters mixed in
const F_MASK = 4;
const F_RUN = 8;
const F_UPPER = 16;
const F_DIGIT = 32;
const F_FOLD = 64; // ё or ъ, folded to е and ь

/** The token for lower[start, end), or null when only mask characters were there. */
function makeToken(lower: string, start: number, end: number, flags: number, brk: number): Token | null {
  // Mask characters at the edges are punctuation, not hidden letters.
  work.steps += end - start;
  if (flags & F_MASK) {
    while (end > start && classOf(lower.charCodeAt(end - 1)) === MASK) end--;
    while (end > start && classOf(lower.charCodeAt(start)) === MASK) start++;
    if (end === start) return null;
  }
  let word = lower.slice(start, end);
  // Lower-casing only words that need it: String#toLowerCase on a whole Cyrillic text is the slow path.
  if (flags & F_UPPER) word = word.toLowerCase();
  let isMasked = false;
  if (flags & F_CYR && flags & (F_ODD | F_DIGIT | F_FOLD)) {
    word = mapLookAlikes(word);
    isMasked = (flags & F_MASK) !== 0 && /[*%#]/.test(word);
  }
  if (flags & F_RUN && flags & F_CYR) word = collapseRuns(word);
  return { norm: word, stem: isMasked ? word : stem(word), brk, masked: isMasked };
}

/**
 * Plain words (Cyrillic letters only, any case, no ё and no repeated letter) are looked up by a hash
 * computed while scanning, so a known word costs neither a substring nor a string hash: most words of
 * a comment stream have been seen before.
 */
interface KnownWord extends WordHome {
  norm: string;
  stem: string;
}

/**
 * Folded form of each character a plain word may hold (lower case, ё→е, ъ→ь), 0 for any other: plain
 * words are hashed and compared through it, so they never need a normalised copy once known.
 */
const FOLD = new Uint16Array(0x500);
for (let c = 0x430; c <= 0x44f; c++) FOLD[c] = c;
for (let c = 0x410; c <= 0x42f; c++) FOLD[c] = c + 0x20;
FOLD[0x451] = FOLD[0x401] = 0x435; // ё Ё → е
FOLD[0x44a] = FOLD[0x42a] = 0x44c; // ъ Ъ → ь
for (let c = 0x30; c <= 0x39; c++) FOLD[c] = c;

// Open-addressing table keyed by the scan hash; a slot holds the word, compared in full on every hit.
const TABLE_BITS = 16;
const TABLE_SIZE = 1 << TABLE_BITS;
const PROBES = 8;
const tableKeys = new Int32Array(TABLE_SIZE);
let tableWords: Array<KnownWord | undefined> = new Array<KnownWord | undefined>(TABLE_SIZE);
let tableCount = 0;

function sameWord(word: KnownWord, text: string, start: number, end: number): boolean {
  const norm = word.norm;
  if (norm.length !== end - start) return false;
  for (let k = 0; k < norm.length; k++) {
    if (norm.charCodeAt(k) !== FOLD[text.charCodeAt(start + k)]) return false;
  }
  return true;
}

function knownWord(text: string, start: number, end: number, hash: number, fold: boolean): KnownWord {
  const key = hash | 0;
  let slot = (hash ^ (hash >>> TABLE_BITS)) & (TABLE_SIZE - 1);
  let free = -1;
  for (let p = 0; p < PROBES; p++, slot = (slot + 1) & (TABLE_SIZE - 1)) {
    const word = tableWords[slot];
    if (word === undefined) {
      if (free < 0) free = slot;
      break;
    }
    if (tableKeys[slot] === key) {
      work.steps += end - start;
      if (sameWord(word, text, start, end)) return word;
    }
  }
  work.steps += end - start;
  let norm = text.slice(start, end).toLowerCase();
  if (fold) norm = norm.replaceAll('ё', 'е').replaceAll('ъ', 'ь');
  const word: KnownWord = { norm, stem: stem(norm) };
  if (free < 0 || tableCount >= TABLE_SIZE * 0.7) {
    // Full: start over rather than evict piecemeal; the hot vocabulary comes back within seconds.
    tableWords = new Array<KnownWord | undefined>(TABLE_SIZE);
    tableCount = 0;
    work.steps += TABLE_SIZE;
    free = (hash ^ (hash >>> TABLE_BITS)) & (TABLE_SIZE - 1);
  }
  tableKeys[free] = key;
  tableWords[free] = word;
  tableCount++;
  return word;
}

/** Normalises and tokenises a comment in one pass; pure and allocation-light. */
export function analyse(text: string): AnalysedText {
  const signals: TextSignals = {
    questionMarks: 0,
    exclamations: 0,
    links: 0,
    mentions: 0,
    phones: 0,
    emojis: 0,
    cyrillicLetters: 0,
    latinLetters: 0,
  };
  const lower = stripMarkup(text, signals);
  const tokens: Token[] = [];
  let brk = 0;
  let start = -1;
  let flags = 0;
  let prevCode = -1;
  let runLength = 0;
  let hash = 0;
  let cyrillic = 0;
  let latin = 0;
  const n = lower.length;

  for (let i = 0; i < n; i++) {
    const c = lower.charCodeAt(i);
    const cls = c < 0x500 ? (CLASS[c] as number) : classOf(c);
    if (cls === CYR || cls === LAT || cls === DIGIT || (cls === MASK && start >= 0)) {
      if (start < 0) {
        start = i;
        flags = 0;
        prevCode = -1;
        runLength = 0;
        hash = 0x811c9dc5;
      }
      const folded = c < 0x500 ? (FOLD[c] as number) : 0;
      hash = Math.imul(hash ^ folded, 0x01000193);
      if (cls === CYR) {
        cyrillic++;
        if (folded === 0) flags |= F_CYR | F_ODD;
        else if (folded !== c)
          flags |=
            c === 0x451 || c === 0x44a || c === 0x401 || c === 0x42a
              ? F_CYR | F_FOLD | F_UPPER
              : F_CYR | F_UPPER;
        else flags |= F_CYR;
      } else if (cls === LAT) {
        latin++;
        flags |= c < 0x61 ? F_ODD | F_UPPER : F_ODD;
      } else if (cls === MASK) {
        flags |= F_MASK | F_ODD;
      } else {
        flags |= F_DIGIT;
      }
      // Case-insensitive: "Оооо" is a run too.
      if (c === prevCode || (c ^ 0x20) === prevCode) {
        if (++runLength >= 3) flags |= F_RUN;
      } else runLength = 1;
      prevCode = c;
      continue;
    }
    if (start >= 0) {
      if ((flags & (F_ODD | F_RUN)) === 0 && (flags & (F_DIGIT | F_CYR)) !== (F_DIGIT | F_CYR)) {
        const known = knownWord(lower, start, i, hash, (flags & F_FOLD) !== 0);
        tokens.push({ norm: known.norm, stem: known.stem, brk, masked: false, home: known });
        brk = 0;
      } else {
        const token = makeToken(lower, start, i, flags, brk);
        if (token !== null) {
          tokens.push(token);
          brk = 0;
        }
      }
      start = -1;
    }
    if (cls === SENTENCE) {
      brk = 2;
      if (c === 0x3f) signals.questionMarks++;
      else if (c === 0x21) signals.exclamations++;
    } else if (cls === CLAUSE) {
      if (brk < 1) brk = 1;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const cp = lower.codePointAt(i) ?? 0;
      if (isEmoji(cp)) {
        signals.emojis++;
        const ch = String.fromCodePoint(cp);
        tokens.push({ norm: ch, stem: ch, brk, masked: false });
        brk = 0;
      }
      i++;
    } else if (c >= 0x2600 && c <= 0x27bf) {
      signals.emojis++;
      const ch = String.fromCharCode(c);
      tokens.push({ norm: ch, stem: ch, brk, masked: false });
      brk = 0;
    }
  }
  if (start >= 0) {
    if ((flags & (F_ODD | F_RUN)) === 0 && (flags & (F_DIGIT | F_CYR)) !== (F_DIGIT | F_CYR)) {
      const known = knownWord(lower, start, n, hash, (flags & F_FOLD) !== 0);
      tokens.push({ norm: known.norm, stem: known.stem, brk, masked: false, home: known });
    } else {
      const token = makeToken(lower, start, n, flags, brk);
      if (token !== null) tokens.push(token);
    }
  }
  work.steps += n;
  signals.cyrillicLetters = cyrillic;
  signals.latinLetters = latin;
  return { tokens, signals };
}

/** The same normalisation applied to one lexicon word, so lexicon and text always agree. */
export function normaliseWord(word: string): string {
  const tokens = analyse(word).tokens;
  return tokens.length === 1 && tokens[0] ? tokens[0].norm : word.toLowerCase();
}

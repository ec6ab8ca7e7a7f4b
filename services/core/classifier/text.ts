import { collapseRuns, foldCyrillic, MIN_KNOWN_LENGTH, readWord, type Reading } from './deobfuscate.js';
import { stem } from './stem.js';
import type { Token, WordHome } from './token.js';
import { vocabulary } from './vocabulary.js';
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
// Zero-width characters and the soft hyphen: invisible, so inside a word they split nothing.
const INVISIBLE = 7;
const CLASS = new Uint8Array(0x500);
for (let c = 0x410; c <= 0x44f; c++) CLASS[c] = CYR;
for (const c of [0x401, 0x406, 0x407, 0x404, 0x490, 0x40e]) CLASS[c] = CYR; // Ё І Ї Є Ґ Ў
for (const c of [0x451, 0x456, 0x457, 0x454, 0x491, 0x45e]) CLASS[c] = CYR; // ё і ї є ґ ў
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = LAT;
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = LAT;
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = DIGIT;
// Greek letters are read like Latin ones: look-alikes of Cyrillic letters when mixed into a word.
for (let c = 0x386; c <= 0x3ce; c++) CLASS[c] = LAT;
for (const ch of '*%#@$') CLASS[ch.charCodeAt(0)] = MASK;
CLASS[0xad] = INVISIBLE;
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
  if ((c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff) return INVISIBLE;
  return OTHER;
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
const F_ODD = 2; // Latin, Greek, masks or rare letters mixed in
const F_MASK = 4;
const F_RUN = 8;
const F_UPPER = 16;
const F_DIGIT = 32;
const F_FOLD = 64; // ё or ъ, folded to е and ь
const F_INVISIBLE = 128;

const INVISIBLE_CHARS = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;
const MASKED = /[*%#@$]/;

// Readings of disguised words, by the word as typed; cleared when the lexicons change or it fills up.
const MAX_READINGS_CACHED = 50_000;
let readings = new Map<string, Reading>();
let readingsVersion = -1;

function knownLength(word: string): number {
  return vocabulary.knownLength(word);
}

/** A disguised word read as the word meant, when some reading is a word the lexicons know. */
function read(word: string): Reading {
  if (readingsVersion !== vocabulary.version || readings.size >= MAX_READINGS_CACHED) {
    readings = new Map();
    readingsVersion = vocabulary.version;
  }
  let reading = readings.get(word);
  if (reading === undefined) {
    reading = readWord(word, vocabulary);
    readings.set(word, reading);
  }
  return reading;
}

/** The token for lower[start, end), or null when only mask characters were there. */
function makeToken(
  lower: string,
  start: number,
  end: number,
  flags: number,
  brk: number,
  deobfuscate: boolean,
): Token | null {
  // Mask characters at the edges are punctuation, not hidden letters.
  work.steps += end - start;
  if (flags & F_MASK) {
    while (end > start && classOf(lower.charCodeAt(end - 1)) === MASK) end--;
    while (end > start && classOf(lower.charCodeAt(start)) === MASK) start++;
    if (end === start) return null;
  }
  let word = lower.slice(start, end);
  // Lower-casing only words that need it: String#toLowerCase on a whole Cyrillic text is the slow path.
  if (flags & (F_UPPER | F_ODD)) word = word.toLowerCase();
  if (flags & F_INVISIBLE) word = word.replace(INVISIBLE_CHARS, '');
  if (!deobfuscate) {
    if (flags & F_FOLD) word = foldCyrillic(word);
    const isMasked = (flags & F_MASK) !== 0 && MASKED.test(word);
    return { norm: word, stem: isMasked ? word : stem(word), brk, masked: isMasked };
  }
  if (flags & (F_ODD | F_MASK) || (flags & (F_CYR | F_DIGIT)) === (F_CYR | F_DIGIT)) {
    const reading = read(word);
    const token: Token = {
      norm: reading.norm,
      stem: reading.masked ? reading.norm : stem(reading.norm),
      brk,
      masked: reading.masked,
    };
    if (reading.changed || flags & F_INVISIBLE) token.deobfuscated = true;
    return token;
  }
  if (flags & F_FOLD) word = foldCyrillic(word);
  if (flags & F_RUN) word = collapseRuns(word);
  return { norm: word, stem: stem(word), brk, masked: false };
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

// Between two words: 0 anything else; 1 one or two spaces; 2 one to three characters of . - _ * # · | /
// (no space); 3 one to three "." or "*" and nothing else (a letter masked between two parts of a word:
// «бл.дь», «с..ка»).
const GAP_OTHER = 0;
const GAP_SPACES = 1;
const GAP_MARKS = 2;
const GAP_ONE_MASK = 3;

// Where each token of the comment being analysed starts and ends in the text: split words are found
// from them after the scan, only in the rare comments that have short words close together.
let tokenStarts = new Int32Array(1024);
let tokenEnds = new Int32Array(1024);

/** Room for a span per token of a text of `n` characters (a token takes at least one character). */
function reserveSpans(n: number): void {
  if (tokenStarts.length > n) return;
  tokenStarts = new Int32Array(2 * n + 2);
  tokenEnds = new Int32Array(2 * n + 2);
}

function isGapMark(c: number): boolean {
  return (
    c === 0x2e ||
    c === 0x2d ||
    c === 0x5f ||
    c === 0x2a ||
    c === 0x23 ||
    c === 0xb7 ||
    c === 0x7c ||
    c === 0x2f
  );
}

/** What stands between token `index - 1` and token `index` (one of the GAP_ values). */
function gapBefore(text: string, index: number): number {
  if (index <= 0) return GAP_OTHER;
  const from = tokenEnds[index - 1] as number;
  const to = tokenStarts[index] as number;
  if (to - from > 3 || to <= from) return GAP_OTHER;
  let spaces = 0;
  let marks = 0;
  let masks = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x20 || c === 0x09) spaces++;
    else if (isGapMark(c) || classOf(c) === INVISIBLE) {
      marks++;
      if (c === 0x2e || c === 0x2a) masks++;
    } else return GAP_OTHER;
  }
  if (marks === 0) return spaces <= 2 ? GAP_SPACES : GAP_OTHER;
  if (spaces > 0) return GAP_OTHER;
  return masks === marks ? GAP_ONE_MASK : GAP_MARKS;
}

/**
 * Whether the comment may hold a split word: three one-letter words in a row («д е б»), or two short
 * words with only marks between («с.у», «бл.дь»). One pass over the token spans, outside the scan.
 */
function mayHaveSplitWords(text: string, count: number): boolean {
  let singlesInRow = 0;
  work.steps += count;
  for (let k = 1; k < count; k++) {
    const start = tokenStarts[k] as number;
    const length = (tokenEnds[k] as number) - start;
    const prevEnd = tokenEnds[k - 1] as number;
    const prevLength = prevEnd - (tokenStarts[k - 1] as number);
    const close = start - prevEnd <= 3;
    if (length === 1) {
      singlesInRow = close && prevLength === 1 ? Math.max(singlesInRow, 1) + 1 : 1;
      if (singlesInRow >= 3) return true;
    } else singlesInRow = 0;
    if (length <= 3 && close && prevLength <= 3 && marksOnly(text, prevEnd, start)) return true;
  }
  return false;
}

/** Whether a gap of at most three characters between two words holds no space («с.у», «бл.дь»). */
function marksOnly(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x20 || c === 0x09 || c === 0x0a) return false;
  }
  return true;
}

export interface AnalyseOptions {
  /** The de-obfuscation layer (look-alikes, transliteration, masks, split words); on by default. */
  deobfuscate?: boolean;
}

/** Normalises and tokenises a comment in one pass; pure and allocation-light. */
export function analyse(text: string, options?: AnalyseOptions): AnalysedText {
  const deobfuscate = options?.deobfuscate !== false;
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
  reserveSpans(lower.length);
  const starts = tokenStarts;
  const ends = tokenEnds;
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
    if (cls === INVISIBLE) {
      if (start >= 0) flags |= F_ODD | F_INVISIBLE;
      continue;
    }
    if (start >= 0) {
      starts[tokens.length] = start;
      ends[tokens.length] = i;
      if ((flags & (F_ODD | F_RUN)) === 0 && (flags & (F_DIGIT | F_CYR)) !== (F_DIGIT | F_CYR)) {
        const known = knownWord(lower, start, i, hash, (flags & F_FOLD) !== 0);
        tokens.push({ norm: known.norm, stem: known.stem, brk, masked: false, home: known });
        brk = 0;
      } else {
        const token = makeToken(lower, start, i, flags, brk, deobfuscate);
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
        starts[tokens.length] = i;
        ends[tokens.length] = i + 2;
        tokens.push({ norm: ch, stem: ch, brk, masked: false });
        brk = 0;
      }
      i++;
    } else if (c >= 0x2600 && c <= 0x27bf) {
      signals.emojis++;
      const ch = String.fromCharCode(c);
      starts[tokens.length] = i;
      ends[tokens.length] = i + 1;
      tokens.push({ norm: ch, stem: ch, brk, masked: false });
      brk = 0;
    }
  }
  if (start >= 0) {
    starts[tokens.length] = start;
    ends[tokens.length] = n;
    if ((flags & (F_ODD | F_RUN)) === 0 && (flags & (F_DIGIT | F_CYR)) !== (F_DIGIT | F_CYR)) {
      const known = knownWord(lower, start, n, hash, (flags & F_FOLD) !== 0);
      tokens.push({ norm: known.norm, stem: known.stem, brk, masked: false, home: known });
    } else {
      const token = makeToken(lower, start, n, flags, brk, deobfuscate);
      if (token !== null) tokens.push(token);
    }
  }
  work.steps += n;
  signals.cyrillicLetters = cyrillic;
  signals.latinLetters = latin;
  return {
    tokens: deobfuscate && mayHaveSplitWords(lower, tokens.length) ? joinSplitWords(tokens, lower) : tokens,
    signals,
  };
}

// A word split into more parts than this is read in pieces of this many parts.
const MAX_PARTS = 12;

function isLetters(token: Token): boolean {
  const c = token.norm.charCodeAt(0);
  return c < 0xd800 || c > 0xdfff ? isWordUnit(c) : false;
}

/** Whether `token` can be a part of a split word after a gap of `gap`. */
function isPart(token: Token, gap: number): boolean {
  if (!isLetters(token)) return false;
  return gap === GAP_SPACES ? token.norm.length === 1 : token.norm.length <= 3;
}

/** The known word that parts[from..to] spell, or null. */
function joinedReading(
  tokens: readonly Token[],
  from: number,
  to: number,
  maskBetween: boolean,
): string | null {
  let word = '';
  for (let k = from; k <= to; k++) {
    if (maskBetween && k > from) word += '*';
    word += (tokens[k] as Token).norm;
  }
  work.steps += word.length;
  const reading = read(word);
  return !reading.masked && knownLength(reading.norm) >= MIN_KNOWN_LENGTH ? reading.norm : null;
}

/**
 * Words split by spaces («д е б и л»), dots, dashes or underscores («с.у.к.а», «х-у-й») or with one
 * letter dotted out («бл.дь»), joined back where the joined word is one the lexicons know. Each run of
 * parts is tried whole, without its first and without its last part (a real word before or after),
 * and then passed: linear in the number of words.
 */
let gaps = new Uint8Array(1024);

function joinSplitWords(tokens: Token[], text: string): Token[] {
  const out: Token[] = [];
  const n = tokens.length;
  if (gaps.length < n) gaps = new Uint8Array(2 * n);
  // Only a gap between two short words can split a word; no other gap is read.
  let steps = n;
  for (let k = 0; k < n; k++) {
    const short = (tokens[k] as Token).norm.length <= 3 && k > 0 && (tokens[k - 1] as Token).norm.length <= 3;
    gaps[k] = short ? gapBefore(text, k) : GAP_OTHER;
    if (short) steps += 3;
  }
  work.steps += steps;
  let i = 0;
  while (i < n) {
    const first = tokens[i] as Token;
    const gap = i + 1 < n ? (gaps[i + 1] as number) : GAP_OTHER;
    if (gap === GAP_OTHER || !isPart(first, gap)) {
      out.push(first);
      i++;
      continue;
    }
    const punctuated = gap !== GAP_SPACES;
    let j = i;
    while (
      j + 1 < n &&
      j + 1 - i < MAX_PARTS &&
      (punctuated ? (gaps[j + 1] as number) >= GAP_MARKS : gaps[j + 1] === GAP_SPACES) &&
      isPart(tokens[j + 1] as Token, gaps[j + 1] as number)
    )
      j++;
    const parts = j - i + 1;
    work.steps += parts;
    let joined: string | null = null;
    let from = i;
    let to = j;
    if (parts >= (punctuated ? 2 : 3)) {
      const tries: Array<[number, number]> = [[i, j]];
      if (parts >= (punctuated ? 3 : 4)) tries.push([i + 1, j], [i, j - 1]);
      for (const [a, b] of tries) {
        joined = joinedReading(tokens, a, b, false);
        if (joined === null && b === a + 1 && gaps[b] === GAP_ONE_MASK)
          joined = joinedReading(tokens, a, b, true);
        if (joined !== null) {
          from = a;
          to = b;
          break;
        }
      }
    }
    for (let k = i; k < from; k++) out.push(tokens[k] as Token);
    if (joined !== null) {
      out.push({ norm: joined, stem: stem(joined), brk: first.brk, masked: false, deobfuscated: true });
      for (let k = to + 1; k <= j; k++) out.push(tokens[k] as Token);
    } else for (let k = from; k <= j; k++) out.push(tokens[k] as Token);
    i = j + 1;
  }
  return out;
}

/** The same normalisation applied to one lexicon word, so lexicon and text always agree. */
export function normaliseWord(word: string): string {
  const tokens = analyse(word, { deobfuscate: false }).tokens;
  return tokens.length === 1 && tokens[0] ? tokens[0].norm : word.toLowerCase();
}

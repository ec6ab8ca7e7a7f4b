import { stem } from './stem.js';
import { normaliseWord } from './text.js';
import type { Token } from './token.js';
import { vocabulary } from './vocabulary.js';
import { work } from './work.js';

/**
 * Compiles lexicon entries into lookup tables and matches them against a tokenised comment.
 *
 * Entry syntax (the keys of a lexicon's term maps):
 * - words separated by spaces form a phrase; each word is stemmed, so any word form matches;
 * - `word*` matches any word starting with `word` (word families: "мусор*" → мусорка, мусорный);
 * - `=word` matches that exact normalised form only ("=благодаря", not "благодарю");
 * - `a b|c d` lists alternatives: each is a word or phrase of its own, with the same weight;
 * - `a/b` accepts either word at one position of a phrase (e.g. "горяч/холодн вод");
 * - a leading `!` makes an alternative count only under negation or absence ("!вод": "нет воды");
 * - a leading `~` cancels an alternative under negation ("~проблем*": not "нет проблем").
 * Phrase words must come in order, at most one other word between them, within one sentence.
 * On one word the longest matching key wins, and words inside a matched phrase are not matched
 * again on their own ("детский сад" is education, not a garden).
 */

export type NegationMode = 'any' | 'require' | 'block';

export interface LexiconEntry {
  /** Which lexicon (concern) the entry belongs to; rules interact only within one concern. */
  concern: number;
  key: string;
  label: string;
  weight: number;
}

export interface Match {
  concern: number;
  label: string;
  /** The alternative that matched, as written in the lexicon, for evidence. */
  feature: string;
  /** The whole lexicon key: repeats of one key count less than distinct keys. */
  group: string;
  /** Numeric id of `group`, for cheap bookkeeping. */
  groupId: number;
  /** `label:feature`, precomputed for evidence. */
  labelled: string;
  weight: number;
  start: number;
  end: number;
  /** Some word of the match is governed by a negation or absence word. */
  negated: boolean;
}

interface Entry {
  concern: number;
  feature: string;
  group: string;
  groupId: number;
  labelled: string;
  label: string;
  weight: number;
  mode: NegationMode;
  /** Word test ids, one per position. */
  words: number[];
  /** Last (call, start) this phrase matched at, so a phrase found twice from one start counts once. */
  stamp: number;
}

interface WordHits {
  /** Phrases this word can start, by the word test of their second word. */
  phrasesBySecond: Map<number, Entry[]> | null;
  singles: Entry[];
}

let nextGroupId = 0;
let nextStamp = 1;
const NO_HITS: WordHits = { phrasesBySecond: null, singles: [] };
const MAX_GAP = 1;

function parseWord(raw: string): number {
  const spec = { stems: [] as string[], exact: [] as string[], prefixes: [] as string[] };
  for (const alt of raw.split('/')) {
    if (alt.length === 0) continue;
    if (alt.startsWith('=')) spec.exact.push(normaliseWord(alt.slice(1)));
    else if (alt.endsWith('*')) spec.prefixes.push(normaliseWord(alt.slice(0, -1)));
    else spec.stems.push(stem(normaliseWord(alt)));
  }
  return vocabulary.register(spec);
}

export class Matcher {
  private readonly byFirstWord = new Map<number, Entry[]>();
  private readonly slot = vocabulary.matcherSlot();
  readonly size: number;
  private readonly concerns: number;

  constructor(entries: readonly LexiconEntry[]) {
    let concerns = 1;
    for (const e of entries) {
      this.add(e);
      if (e.concern + 1 > concerns) concerns = e.concern + 1;
    }
    this.size = entries.length;
    this.concerns = concerns;
  }

  private add(e: LexiconEntry): void {
    const groupId = nextGroupId++;
    for (const alternative of e.key.split('|')) {
      let phrase = alternative.trim();
      let mode: NegationMode = 'any';
      if (phrase.startsWith('!')) {
        mode = 'require';
        phrase = phrase.slice(1);
      } else if (phrase.startsWith('~')) {
        mode = 'block';
        phrase = phrase.slice(1);
      }
      const words = phrase
        .split(/\s+/)
        .filter((w) => w.length > 0)
        .map(parseWord);
      const first = words[0];
      if (first === undefined) throw new Error(`CLASSIFIER_LEXICON_INVALID: empty alternative in "${e.key}"`);
      const entry: Entry = {
        concern: e.concern,
        feature: phrase,
        group: e.key,
        groupId,
        labelled: `${e.label}:${phrase}`,
        label: e.label,
        weight: e.weight,
        mode,
        words,
        stamp: 0,
      };
      const list = this.byFirstWord.get(first);
      if (list === undefined) this.byFirstWord.set(first, [entry]);
      else list.push(entry);
    }
  }

  /**
   * What a word can start: phrases indexed by their second word (so a common first word such as "не"
   * costs one lookup per following word, not one try per phrase), and single-word entries reduced to
   * the longest matching key.
   */
  private wordHits(token: Token): WordHits {
    const info = vocabulary.infoOf(token);
    if (info.hitsSlot === this.slot) return info.hits as WordHits;
    let result = NO_HITS;
    let phrasesBySecond: Map<number, Entry[]> | null = null;
    const singles: Array<{ entry: Entry; length: number }> = [];
    let steps = info.testList.length;
    for (const testId of info.testList) {
      const entries = this.byFirstWord.get(testId);
      if (entries === undefined) continue;
      const length = info.tests.get(testId) ?? 0;
      steps += entries.length;
      for (const entry of entries) {
        if (entry.words.length === 1) {
          singles.push({ entry, length });
          continue;
        }
        phrasesBySecond ??= new Map();
        const second = entry.words[1] as number;
        const list = phrasesBySecond.get(second);
        if (list === undefined) phrasesBySecond.set(second, [entry]);
        else if (!list.includes(entry)) list.push(entry);
      }
    }
    if (phrasesBySecond !== null || singles.length > 0) {
      const longest = new Array<number>(this.concerns).fill(0);
      for (const s of singles) {
        if (s.length > (longest[s.entry.concern] ?? 0)) longest[s.entry.concern] = s.length;
      }
      result = {
        phrasesBySecond,
        singles: singles.filter((s) => s.length === longest[s.entry.concern]).map((s) => s.entry),
      };
    }
    work.steps += steps + singles.length;
    info.hits = result;
    info.hitsSlot = this.slot;
    return result;
  }

  /** Where the phrase whose word `from - 1` stands at `pos` ends (exclusive), or -1 when it stops matching. */
  private extend(entry: Entry, tokens: readonly Token[], pos: number, from: number): number {
    path.length = 0;
    work.steps += (entry.words.length - from) * (MAX_GAP + 1);
    for (let w = from; w < entry.words.length; w++) {
      const testId = entry.words[w] as number;
      let found = -1;
      for (let j = pos + 1; j <= pos + 1 + MAX_GAP && j < tokens.length; j++) {
        const t = tokens[j] as Token;
        if (t.brk === 2) break;
        if (vocabulary.infoOf(t).tests.has(testId)) {
          found = j;
          break;
        }
      }
      if (found < 0) return -1;
      path.push(found);
      pos = found;
    }
    return pos + 1;
  }

  match(tokens: readonly Token[], negated: Uint8Array): Match[] {
    const matches: Match[] = [];
    // For each word and concern: 0, or 1 + the start of the phrase that consumed it.
    let covered: Int32Array | null = null;
    const coveredSize = tokens.length * this.concerns;
    // Per word: a bounded number of following words, each with the few tests it passes and the phrases
    // those can continue (both bounded by the lexicons, not by the text).
    let steps = tokens.length;
    for (let i = 0; i < tokens.length; i++) {
      const hits = this.wordHits(tokens[i] as Token);
      if (hits === NO_HITS) continue;
      const bySecond = hits.phrasesBySecond;
      if (bySecond !== null) {
        const stamp = nextStamp++;
        for (let j = i + 1; j <= i + 1 + MAX_GAP && j < tokens.length; j++) {
          const next = tokens[j] as Token;
          if (next.brk === 2) break;
          const tests = vocabulary.infoOf(next).testList;
          steps += 1 + tests.length;
          for (const testId of tests) {
            const candidates = bySecond.get(testId);
            if (candidates === undefined) continue;
            steps += candidates.length;
            for (const e of candidates) {
              if (e.stamp === stamp) continue;
              // A word inside an earlier phrase of this concern starts no other phrase of it (phrases
              // starting at the same word all get their chance; the longest wins below).
              const by = covered === null ? 0 : (covered[i * this.concerns + e.concern] as number);
              if (by !== 0 && by !== i + 1) continue;
              const end = e.words.length === 2 ? j + 1 : this.extend(e, tokens, j, 2);
              if (end < 0) continue;
              steps += end - i;
              const isNegated = anyNegated(negated, i, end);
              if (!negationAllows(e.mode, isNegated)) continue;
              e.stamp = stamp;
              pushStrongest(matches, e, i, end, isNegated);
              // Only the phrase's own words are consumed, not a word skipped between them.
              if (covered === null) {
                covered = scratch(coveredSize);
                steps += coveredSize;
              }
              covered[i * this.concerns + e.concern] = i + 1;
              covered[j * this.concerns + e.concern] = i + 1;
              if (e.words.length > 2) for (const k of path) covered[k * this.concerns + e.concern] = i + 1;
            }
          }
        }
      }
      // Phrases that start later never cover this word, so singles can be settled now.
      if (hits.singles.length === 0) continue;
      const isNegated = negated[i] === 1;
      steps += hits.singles.length;
      for (const e of hits.singles) {
        if (covered !== null && covered[i * this.concerns + e.concern] !== 0) continue;
        if (negationAllows(e.mode, isNegated)) pushStrongest(matches, e, i, i + 1, isNegated);
      }
    }
    work.steps += steps;
    return matches;
  }
}

/**
 * One word (or phrase start) votes once per label: alternatives of one key, or a phrase and a word
 * starting at the same place, must not add up. Matches arrive grouped by start, so only the tail is checked.
 */
function pushStrongest(matches: Match[], e: Entry, start: number, end: number, negated: boolean): void {
  for (let k = matches.length - 1; k >= 0; k--) {
    work.steps++;
    const prev = matches[k] as Match;
    if (prev.start !== start) break;
    if (prev.label !== e.label || prev.concern !== e.concern) continue;
    if (Math.abs(e.weight) > Math.abs(prev.weight) || end > prev.end)
      matches[k] = matchOf(e, start, end, negated);
    return;
  }
  matches.push(matchOf(e, start, end, negated));
}

// Positions of the third and later words of the phrase extend() matched last.
const path: number[] = [];

// Typed arrays are slow to allocate; one call at a time uses this buffer (match() is synchronous).
let scratchBuffer = new Int32Array(4096);

/** A zeroed view of `size` cells of the shared scratch buffer. */
function scratch(size: number): Int32Array {
  if (scratchBuffer.length < size) scratchBuffer = new Int32Array(size * 2);
  const view = scratchBuffer.subarray(0, size);
  view.fill(0);
  return view;
}

function matchOf(e: Entry, start: number, end: number, negated: boolean): Match {
  return {
    concern: e.concern,
    label: e.label,
    feature: e.feature,
    group: e.group,
    groupId: e.groupId,
    labelled: e.labelled,
    weight: e.weight,
    start,
    end,
    negated,
  };
}

function anyNegated(negated: Uint8Array, start: number, end: number): boolean {
  for (let j = start; j < end; j++) if (negated[j] === 1) return true;
  return false;
}

function negationAllows(mode: NegationMode, isNegated: boolean): boolean {
  if (mode === 'any') return true;
  return mode === 'require' ? isNegated : !isNegated;
}

// Per group id: the scoreByLabel call that last saw the group, and how often it has seen it in that call.
// Stamping by call number keeps the arrays valid without clearing them: one read per match, however
// many matches and groups a comment has.
let groupSeenIn = new Uint32Array(1024);
let groupSeenCount = new Uint8Array(1024);
let scoreCall = 0;

/** Sums match weights per label; a key repeated adds a quarter of its weight each time, twice at most. */
export function scoreByLabel(matches: readonly Match[]): Map<string, number> {
  const scores = new Map<string, number>();
  if (++scoreCall === 0xffffffff) {
    groupSeenIn.fill(0);
    scoreCall = 1;
  }
  const call = scoreCall;
  for (const m of matches) {
    const group = m.groupId;
    if (group >= groupSeenIn.length) growGroups(group);
    let n = 0;
    if (groupSeenIn[group] !== call) {
      groupSeenIn[group] = call;
      groupSeenCount[group] = 1;
    } else {
      n = groupSeenCount[group] as number;
      if (n > 2) continue;
      groupSeenCount[group] = n + 1;
    }
    const w = n === 0 ? m.weight : m.weight * 0.25;
    scores.set(m.label, (scores.get(m.label) ?? 0) + w);
  }
  work.steps += matches.length;
  return scores;
}

function growGroups(group: number): void {
  const size = Math.max(2 * groupSeenIn.length, group + 1);
  const seenIn = new Uint32Array(size);
  seenIn.set(groupSeenIn);
  const seenCount = new Uint8Array(size);
  seenCount.set(groupSeenCount);
  groupSeenIn = seenIn;
  groupSeenCount = seenCount;
}

/** Turns `{ label: { key: weight } }` lexicon sections into matcher entries. */
export function entriesOf(
  concern: number,
  sections: Readonly<Record<string, Readonly<Record<string, number>>>>,
): LexiconEntry[] {
  const out: LexiconEntry[] = [];
  for (const [label, terms] of Object.entries(sections)) {
    for (const [key, weight] of Object.entries(terms)) out.push({ concern, label, key, weight });
  }
  return out;
}

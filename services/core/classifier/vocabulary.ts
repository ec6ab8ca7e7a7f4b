import { obsceneRootOf } from './obscene.js';
import { stem } from './stem.js';
import type { Token, WordInfo } from './token.js';
import { work } from './work.js';

/**
 * Every word test of every lexicon (a set of stems, exact forms and prefixes that may stand at one
 * position of an entry), indexed once, and a cache of which tests each normalised word passes.
 * Matching then costs one map read per word of a comment, however many lexicons and entries there are.
 */

export interface WordTestSpec {
  stems: readonly string[];
  exact: readonly string[];
  prefixes: readonly string[];
}

interface TrieNode {
  next: Map<number, TrieNode>;
  tests: number[];
}

/** A node of the trie of every key string (stems, exact forms, prefixes), for guided search. */
export interface KeyNode {
  next: Map<number, KeyNode>;
  /** Length of the key string ending here, 0 when none does. */
  ends: number;
}

const MAX_CACHED_WORDS = 100_000;

class Vocabulary {
  private readonly ids = new Map<string, number>();
  private readonly byStem = new Map<string, number[]>();
  private readonly byNorm = new Map<string, number[]>();
  private readonly trie: TrieNode = { next: new Map(), tests: [] };
  /**
   * Every key string, so a search for a known reading of a disguised word can stop at the first letter
   * no key starts with: a known word starts with one of its keys (a stem is a prefix of its word).
   */
  readonly keys: KeyNode = { next: new Map(), ends: 0 };
  private cache = new Map<string, WordInfo>();
  private matchers = 0;
  private generation = 0;

  /** A new id for a matcher's slot in WordInfo.hits. */
  matcherSlot(): number {
    return this.matchers++;
  }

  /** The id of a word test, registering it on first sight. */
  register(spec: WordTestSpec): number {
    const canonical = `${[...spec.stems].sort().join(',')}|${[...spec.exact].sort().join(',')}|${[...spec.prefixes].sort().join(',')}`;
    const known = this.ids.get(canonical);
    if (known !== undefined) return known;
    const id = this.ids.size;
    this.ids.set(canonical, id);
    for (const s of spec.stems) push(this.byStem, s, id);
    for (const w of spec.exact) push(this.byNorm, w, id);
    for (const k of [...spec.stems, ...spec.exact, ...spec.prefixes]) this.addKey(k);
    for (const p of spec.prefixes) {
      let node = this.trie;
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        let child = node.next.get(c);
        if (child === undefined) {
          child = { next: new Map(), tests: [] };
          node.next.set(c, child);
        }
        node = child;
      }
      node.tests.push(id);
    }
    // Words seen before this test existed must be looked at again.
    this.cache = new Map();
    this.generation++;
    return id;
  }

  private addKey(key: string): void {
    let node = this.keys;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      let child = node.next.get(c);
      if (child === undefined) {
        child = { next: new Map(), ends: 0 };
        node.next.set(c, child);
      }
      node = child;
    }
    node.ends = key.length;
  }

  infoOf(token: Token): WordInfo {
    if (token.info !== undefined) return token.info;
    const home = token.home;
    if (home !== undefined && home.info !== undefined && home.generation === this.generation) {
      token.info = home.info;
      return home.info;
    }
    const info = this.lookup(token.norm, token.stem);
    token.info = info;
    if (home !== undefined) {
      home.info = info;
      home.generation = this.generation;
    }
    return info;
  }

  /**
   * How well the lexicons know the word (as written, or without doubled letters): the length of the
   * longest key it matches (a stem, a prefix, or an exact form, which counts one more), 0 for none.
   * The de-obfuscation layer's test of a reading. Cached like the words of comments.
   */
  knownLength(norm: string): number {
    let best = 0;
    for (const length of this.lookup(norm, undefined).tests.values()) if (length > best) best = length;
    return best;
  }

  /** Counts lexicon registrations: a reading judged before the last one may read differently now. */
  get version(): number {
    return this.generation;
  }

  private lookup(norm: string, stemmed: string | undefined): WordInfo {
    let info = this.cache.get(norm);
    if (info === undefined) {
      // A trie walk, a regex and a copy, each over the word once.
      work.steps += 3 * norm.length;
      let tests = this.testsOf(norm, stemmed ?? stem(norm));
      // A word that matches nothing as written may carry a doubled-letter typo ("воддой", "ммусор").
      if (tests.size === 0 && /(\p{L})\1/u.test(norm)) {
        const loose = withoutDoubles(norm);
        tests = this.testsOf(loose, stem(loose));
      }
      // Read with the word's lexicon tests, once per word, so toxicity reads a field per token.
      info = {
        tests,
        testList: [...tests.keys()],
        hits: undefined,
        hitsSlot: -1,
        obsceneRoot: obsceneRootOf(norm),
      };
      if (this.cache.size >= MAX_CACHED_WORDS) this.cache = new Map();
      this.cache.set(norm, info);
    }
    return info;
  }

  private testsOf(norm: string, stemmed: string): Map<number, number> {
    const tests = new Map<number, number>();
    const note = (id: number, length: number): void => {
      if ((tests.get(id) ?? -1) < length) tests.set(id, length);
    };
    for (const id of this.byStem.get(stemmed) ?? []) note(id, stemmed.length);
    // An exact form outranks a stem or prefix of the same length: it is the more specific rule.
    for (const id of this.byNorm.get(norm) ?? []) note(id, norm.length + 1);
    let node: TrieNode | undefined = this.trie;
    for (let i = 0; i < norm.length && node !== undefined; i++) {
      node = node.next.get(norm.charCodeAt(i));
      if (node !== undefined) for (const id of node.tests) note(id, i + 1);
    }
    return tests;
  }
}

/** The word with every doubled letter written once ("отопленние" → "отопление"). */
function withoutDoubles(word: string): string {
  let out = '';
  let prev = '';
  for (const ch of word) {
    if (ch !== prev || (ch >= '0' && ch <= '9')) out += ch;
    prev = ch;
  }
  return out;
}

function push(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [id]);
  else if (!list.includes(id)) list.push(id);
}

export const vocabulary = new Vocabulary();

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

const MAX_CACHED_WORDS = 100_000;

class Vocabulary {
  private readonly ids = new Map<string, number>();
  private readonly byStem = new Map<string, number[]>();
  private readonly byNorm = new Map<string, number[]>();
  private readonly trie: TrieNode = { next: new Map(), tests: [] };
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

  infoOf(token: Token): WordInfo {
    if (token.info !== undefined) return token.info;
    const home = token.home;
    if (home !== undefined && home.info !== undefined && home.generation === this.generation) {
      token.info = home.info;
      return home.info;
    }
    let info = this.cache.get(token.norm);
    if (info === undefined) {
      // A trie walk, a regex and a copy, each over the word once.
      work.steps += 3 * token.norm.length;
      let tests = this.testsOf(token.norm, token.stem);
      // A word that matches nothing as written may carry a doubled-letter typo ("воддой", "ммусор").
      if (tests.size === 0 && /(\p{L})\1/u.test(token.norm)) {
        const loose = withoutDoubles(token.norm);
        tests = this.testsOf(loose, stem(loose));
      }
      info = { tests, testList: [...tests.keys()], hits: undefined, hitsSlot: -1 };
      if (this.cache.size >= MAX_CACHED_WORDS) this.cache = new Map();
      this.cache.set(token.norm, info);
    }
    token.info = info;
    if (home !== undefined) {
      home.info = info;
      home.generation = this.generation;
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

/**
 * The types a tokenised comment and the word cache share. They live apart from text.ts (which builds
 * tokens) and vocabulary.ts (which fills in what a word matches) so neither has to import the other.
 */

/** One word of a comment after normalisation. */
export interface Token {
  /** Lower case, ё→е, letter runs collapsed, disguised words read as the word meant (deobfuscate.ts). */
  norm: string;
  /** Snowball stem of `norm` (emoji and digits stem to themselves). */
  stem: string;
  /** Punctuation between the previous token and this one: 0 none, 1 clause (, ; : — brackets), 2 sentence. */
  brk: number;
  /** The word hid letters behind * % # @ $ (how people write swear words past a filter). */
  masked: boolean;
  /** The de-obfuscation layer read it as another word (look-alikes, transliteration, masks, a split word). */
  deobfuscated?: boolean;
  /** Lexicon tests this word passes; filled in by the matcher on first use. */
  info?: WordInfo;
  /** Cache record of the word, where the matcher keeps `info` for the next comment that uses it. */
  home?: WordHome;
}

/** Per-word cache record shared by every token of the same word. */
export interface WordHome {
  info?: WordInfo;
  /** Vocabulary generation `info` was computed for. */
  generation?: number;
}

/** What one normalised word matches, computed once per word by the vocabulary. */
export interface WordInfo {
  /** Test id → length of the lexicon key that matched (longer is more specific). */
  tests: Map<number, number>;
  /** The same test ids as a plain array, for iteration on the hot path. */
  testList: number[];
  /** What this word can start, cached for the matcher in `hitsSlot` (one matcher serves all lexicons). */
  hits: unknown;
  hitsSlot: number;
  /** The obscene root the word is derived from (obscene.ts), '' for none. */
  obsceneRoot: string;
}

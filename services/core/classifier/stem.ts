import snowball from 'snowball-stemmers';
import { work } from './work.js';

/**
 * Russian Snowball stemmer behind a bounded cache. Stemming one word costs ~10 µs; a comment stream
 * reuses a small vocabulary, so a cache turns that into a map lookup. The cache is cleared when it
 * fills rather than tracked as an LRU: that keeps the hot path allocation-free.
 */
const stemmer = snowball.newStemmer('russian');
const MAX_CACHED = 200_000;
let cache = new Map<string, string>();

export function stem(word: string): string {
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  // Snowball's Russian algorithm looks for a bounded set of suffixes from the end: linear in the word.
  work.steps += word.length;
  // The Russian stemmer leaves Latin words and digits as they are, so they need no special case.
  const stemmed = stemmer.stem(word);
  if (cache.size >= MAX_CACHED) cache = new Map();
  cache.set(word, stemmed);
  return stemmed;
}

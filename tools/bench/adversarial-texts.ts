/**
 * Hostile comment texts for the classifier's cost: each kind repeats or varies one thing an attacker
 * controls (a word, a character, word length, lexicon hits, negations, markup) to any length. Used by
 * `npm run bench:classifier -- --adversarial` and by the unit test that counts the classifier's work.
 * Made of our own words and the lexicons' keys, never of labelled data. Deterministic.
 */
import categoriesJson from '../../services/core/classifier/lexicons/categories.json' with { type: 'json' };
import priorityJson from '../../services/core/classifier/lexicons/priority.json' with { type: 'json' };
import spamJson from '../../services/core/classifier/lexicons/spam.json' with { type: 'json' };
import toxicityJson from '../../services/core/classifier/lexicons/toxicity.json' with { type: 'json' };
import typeJson from '../../services/core/classifier/lexicons/type.json' with { type: 'json' };
import { createTextGenerator } from '../harness/comment-texts.js';
import { seededRandom } from '../harness/random.js';

/** A word for every lexicon alternative (its first word, markers removed): one text hits them all. */
function lexiconWords(): string[] {
  const words = new Set<string>();
  for (const lexicon of [categoriesJson, typeJson, priorityJson, toxicityJson, spamJson]) {
    for (const terms of Object.values(lexicon.labels as Record<string, Record<string, number>>)) {
      for (const key of Object.keys(terms)) {
        for (const alternative of key.split('|')) {
          const first = alternative.trim().split(/\s+/)[0] ?? '';
          const word = (first.split('/')[0] ?? '').replace(/[!~=*]/g, '');
          if (word.length > 0) words.add(word);
        }
      }
    }
  }
  return [...words];
}

/** A Latin word of ambiguous letters after a lexicon key's start: the most readings the layer tries. */
function disguisedWord(rnd: () => number): string {
  const starts = ['nahu', 'deb', 'xy', 'cyk', 'pizd', 'mud', 'blya', 'suk'];
  const ambiguous = 'yunhpribwcx';
  let w = starts[Math.floor(rnd() * starts.length)] as string;
  const extra = 4 + Math.floor(rnd() * 12);
  for (let i = 0; i < extra; i++) w += ambiguous[Math.floor(rnd() * ambiguous.length)] as string;
  return w;
}

function randomWord(rnd: () => number, letters: number): string {
  let w = '';
  for (let i = 0; i < letters; i++) w += String.fromCharCode(0x430 + Math.floor(rnd() * 32));
  return w;
}

/** An endless source of text pieces for one kind; pieces are joined as they come. */
type Pieces = () => () => string;

const cycle =
  (parts: readonly string[]): Pieces =>
  () => {
    let i = 0;
    return () => parts[i++ % parts.length] as string;
  };

export const ADVERSARIAL_KINDS = {
  /** One lexicon word again and again: every repeat is a match of one feature. */
  one_word: cycle(['мусор ']),
  /** One phrase under negation again and again: phrase matching, negation scopes, repeated features. */
  one_phrase: cycle(['нет горячей воды ']),
  /** One character, no space: a single word as long as the text. */
  one_char: cycle(['а']),
  /** One character and a space: as many one-letter words as possible. */
  one_char_spaced: cycle(['а ']),
  /** Distinct words of 2,000 random letters: every one a new word to normalise, stem and look up. */
  long_words: () => {
    const rnd = seededRandom(11);
    return () => randomWord(rnd, 2000) + ' ';
  },
  /** Every lexicon word in turn, with suffixes: as many distinct matches and features as there are keys. */
  many_matches: () => {
    const words = lexiconWords();
    const suffixes = ['', 'ами', 'ов', 'е'];
    let i = 0;
    return () => {
      const w = `${words[i % words.length] as string}${suffixes[Math.floor(i / words.length) % suffixes.length] as string} `;
      i++;
      return w;
    };
  },
  /** Negation words around topic words, without punctuation: every word negated, scopes overlapping. */
  negations: cycle(['не ', 'нет ', 'лифт ', 'без ', 'воды ', 'ни ', 'света ', 'отсутствует ', 'газ ']),
  /** Links of every shape the URL pattern knows, and Cyrillic domain look-alikes. */
  urls: cycle([
    'https://example.ru/a/b?c=1 ',
    'www.site.com ',
    'сайт.рф/путь ',
    'abc-def.online ',
    'очень-длинное-слово-через-дефисы-которое-почти-домен.р ',
  ]),
  /** Phone numbers, digit runs and "3.14" tricks. */
  digits: cycle(['8 (900) 123-45-67 ', '+7 900 1234567 ', '1234567890', '3.14здец ', '88005553535 ']),
  /** Emoji without spaces: each one a token. */
  emoji: cycle(['😀', '🔥', '☀', '❤', '👍']),
  /** VK and @ mentions, which are cut out before tokenising. */
  mentions: cycle(['[id123|Иван Иванов] ', '@user_name (Иван) ', '[club42|Администрация] ']),
  /** Masked swear words and Latin/digit look-alikes: the slow path of normalisation. */
  masked: cycle(['х*й ', 'п#здец ', 'бл@ть ', 'дeбuл ', 'п0мойка ', 'ооочень ', 'воддой ']),
  /** Words split into letters by spaces, dots, dashes, underscores and zero-width characters. */
  split_letters: cycle([
    'д е б и л ',
    'х у й ',
    'с.у.к.а ',
    'м_р_а_з_ь ',
    'бл.дь ',
    'т в а р ь ',
    'д\u200bе\u200bб\u200bи\u200bл ',
    'а б в г д е ж з и к л м н о п ',
  ]),
  /** Distinct Latin words of ambiguous letters after a key's start: every one a new search of readings. */
  disguised: () => {
    const rnd = seededRandom(17);
    return () => disguisedWord(rnd) + ' ';
  },
  /** Distinct masked words: every one a new search for the letters behind the masks. */
  masked_distinct: () => {
    const rnd = seededRandom(23);
    return () => `х*${randomWord(rnd, 3)}*й п*${randomWord(rnd, 2)} `;
  },
  /** Punctuation only: breaks, question marks and exclamations, no words. */
  punctuation: cycle(['?!.,;:—…']),
  /** Ordinary comments one after another, for comparison. */
  natural: () => {
    const texts = createTextGenerator(5);
    return () => texts.next().text + ' ';
  },
} satisfies Record<string, Pieces>;

export type AdversarialKind = keyof typeof ADVERSARIAL_KINDS;

/** A text of `kind` of exactly `bytes` bytes of UTF-8 (or one byte less, not to split a character). */
export function adversarialText(kind: AdversarialKind, bytes: number): string {
  const next = ADVERSARIAL_KINDS[kind]();
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const piece = next();
    parts.push(piece);
    size += Buffer.byteLength(piece);
  }
  const text = parts.join('');
  const utf8 = Buffer.from(text);
  if (utf8.length <= bytes) return text;
  // Drop the partial character the byte cut leaves.
  return utf8
    .subarray(0, bytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}

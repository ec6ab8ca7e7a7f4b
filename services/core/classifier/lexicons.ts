import categoriesJson from './lexicons/categories.json' with { type: 'json' };
import priorityJson from './lexicons/priority.json' with { type: 'json' };
import spamJson from './lexicons/spam.json' with { type: 'json' };
import toxicityJson from './lexicons/toxicity.json' with { type: 'json' };
import typeJson from './lexicons/type.json' with { type: 'json' };
import type { Category } from '../contracts/schema-types.generated.js';
import { CATEGORY_SYMBOLS } from '../contracts/schema-types.generated.js';
import { entriesOf, Matcher, type LexiconEntry } from './matcher.js';

/**
 * Loads the lexicon files once, at module load, checks their shape and compiles each into a Matcher.
 * A malformed lexicon fails loudly here rather than classifying silently wrong.
 */

type Sections = Record<string, Record<string, number>>;

function fail(file: string, what: string): never {
  throw new Error(`CLASSIFIER_LEXICON_INVALID: ${file}: ${what}`);
}

function sections(file: string, value: unknown, required: readonly string[]): Sections {
  if (typeof value !== 'object' || value === null) fail(file, 'labels must be an object');
  const out: Sections = {};
  for (const [label, terms] of Object.entries(value)) {
    if (typeof terms !== 'object' || terms === null) fail(file, `labels.${label} must be an object`);
    const map: Record<string, number> = {};
    for (const [key, weight] of Object.entries(terms)) {
      if (typeof weight !== 'number' || !Number.isFinite(weight))
        fail(file, `"${key}" needs a numeric weight`);
      map[key] = weight;
    }
    out[label] = map;
  }
  for (const label of required) if (!(label in out)) fail(file, `missing labels.${label}`);
  return out;
}

function num(file: string, value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(file, `${name} must be a number`);
  return value;
}

/** Concern ids: every lexicon is compiled into one matcher, and each match says which lexicon it came from. */
export const CONCERN = { category: 0, type: 1, priority: 2, toxicity: 3, spam: 4 } as const;
export const CONCERN_COUNT = 5;

const allEntries: LexiconEntry[] = [];

function compile(
  file: string,
  value: unknown,
  concern: number,
  required: readonly string[] = [],
): { labels: string[] } {
  const s = sections(file, value, required);
  allEntries.push(...entriesOf(concern, s));
  return { labels: Object.keys(s) };
}

function category(file: string, value: unknown, name: string): Category {
  if (typeof value !== 'string' || !(CATEGORY_SYMBOLS as readonly string[]).includes(value))
    fail(file, `${name} must be a category`);
  return value as Category;
}

export const categoryLexicon = {
  ...compile('categories.json', categoriesJson.labels, CONCERN.category),
  minScore: num('categories.json', categoriesJson.minScore, 'minScore'),
  coreLabels: Array.isArray(categoriesJson.coreLabels)
    ? categoriesJson.coreLabels.map((l, i) => category('categories.json', l, `coreLabels[${i}]`))
    : fail('categories.json', 'coreLabels must be an array'),
  otherMinScore: num('categories.json', categoriesJson.otherMinScore, 'otherMinScore'),
  specialistMargin: num('categories.json', categoriesJson.specialistMargin, 'specialistMargin'),
  chatWords: new Set<string>(
    Array.isArray(categoriesJson.chatWords) && categoriesJson.chatWords.every((w) => typeof w === 'string')
      ? categoriesJson.chatWords
      : fail('categories.json', 'chatWords must be an array of words'),
  ),
  fallback: category('categories.json', categoriesJson.fallback, 'fallback'),
  fallbackConfidence: num('categories.json', categoriesJson.fallbackConfidence, 'fallbackConfidence'),
};

export const typeLexicon = {
  ...compile('type.json', typeJson.labels, CONCERN.type, [
    'complaint',
    'question',
    'suggestion',
    'gratitude',
  ]),
  minScore: num('type.json', typeJson.minScore, 'minScore'),
  questionMark: num('type.json', typeJson.questionMark, 'questionMark'),
  questionMarkCap: num('type.json', typeJson.questionMarkCap, 'questionMarkCap'),
  negatedTopic: num('type.json', typeJson.negatedTopic, 'negatedTopic'),
  gratitudeMargin: num('type.json', typeJson.gratitudeMargin, 'gratitudeMargin'),
};

export const priorityLexicon = {
  ...compile('priority.json', priorityJson.labels, CONCERN.priority, [
    'hazard',
    'outage',
    'heating',
    'urgent',
  ]),
  criticalAt: num('priority.json', priorityJson.criticalAt, 'criticalAt'),
  highAt: num('priority.json', priorityJson.highAt, 'highAt'),
};

export const toxicityLexicon = {
  ...compile('toxicity.json', toxicityJson.labels, CONCERN.toxicity, ['addressee']),
  threshold: num('toxicity.json', toxicityJson.threshold, 'threshold'),
  masked: num('toxicity.json', toxicityJson.masked, 'masked'),
  aimed: num('toxicity.json', toxicityJson.aimed, 'aimed'),
  obsceneRoot: num('toxicity.json', toxicityJson.obsceneRoot, 'obsceneRoot'),
  mentionAims: toxicityJson.mentionAims === true,
};

export const spamLexicon = {
  ...compile('spam.json', spamJson.labels, CONCERN.spam),
  threshold: num('spam.json', spamJson.threshold, 'threshold'),
  link: num('spam.json', spamJson.link, 'link'),
  linkCap: num('spam.json', spamJson.linkCap, 'linkCap'),
  phone: num('spam.json', spamJson.phone, 'phone'),
  phoneCap: num('spam.json', spamJson.phoneCap, 'phoneCap'),
  noCyrillic: num('spam.json', spamJson.noCyrillic, 'noCyrillic'),
};

/** All lexicons in one matcher: one pass over a comment's words serves every concern. */
export const matcher = new Matcher(allEntries);

/** Short content hash of all lexicons, so the version changes whenever a word list does. */
export const LEXICON_HASH: string = (() => {
  const text = JSON.stringify([categoriesJson, typeJson, priorityJson, toxicityJson, spamJson]);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
})();

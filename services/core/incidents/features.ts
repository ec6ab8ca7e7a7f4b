/**
 * What the detector reads in a text, through the classifier's own normalisation and stemming (so both
 * read the same words): content stems, the street, and the shingles of the near-duplicate test.
 */
import { analyse } from '../classifier/text.js';
import { fnv1a } from './hash.js';

export interface TextFeatures {
  /** Distinct stems of content words (three letters or more, not function words, not numbers). */
  stems: string[];
  /** The stem of the street named after «ул.», «улица», «проспект» ..., or null. */
  street: string | null;
  /** Hashes of pairs of consecutive stems. */
  shingles: number[];
}

// Function words and words every comment to an administration uses; the IDF table would weigh them
// down anyway, but leaving them out keeps the profiles short. Stems, as Snowball writes them.
const STOP_STEMS = new Set(
  (
    'как так уже ещ все всё вс это эт что чтоб котор когд где тут там зде был будет быт есть нет ' +
    'для при над под про без или либ тольк даж очен мож можн над нужн почем зач кто кем чем чег ' +
    'наш ваш мой мне мен вам вас нам нас они оне его ее её их им ним нег неё сам сво себ свой ' +
    'так такж тож вот вед ведь ну да ли бы же уж лиш посл пока сейчас сегодн вчер завтр опя снов ' +
    'уваж здравств добр ден спасиб пожалуйст прош прос подскаж скаж администрац глав город район ' +
    'котор это всем всех сво очень дом улиц'
  )
    .split(/\s+/)
    .filter((w) => w !== ''),
);

const STREET_MARKERS = new Set([
  'ул',
  'улица',
  'улице',
  'улицы',
  'улицу',
  'улицей',
  'пр',
  'пр-т',
  'проспект',
  'проспекте',
  'проспекта',
  'пер',
  'переулок',
  'переулке',
  'переулка',
  'бульвар',
  'бульваре',
  'шоссе',
  'мкр',
  'микрорайон',
  'микрорайоне',
  'микрорайона',
  'квартал',
  'квартале',
]);

function isNumber(word: string): boolean {
  const c = word.charCodeAt(0);
  return c >= 0x30 && c <= 0x39;
}

export function featuresOf(text: string): TextFeatures {
  const { tokens } = analyse(text);
  const stems: string[] = [];
  const seen = new Set<string>();
  const shingles: number[] = [];
  let street: string | null = null;
  let previous = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const stem = token.stem;
    if (previous !== '') shingles.push(fnv1a(`${previous} ${stem}`));
    previous = stem;
    if (street === null && STREET_MARKERS.has(token.norm)) {
      const next = tokens[i + 1];
      if (next !== undefined && !isNumber(next.norm) && next.norm.length >= 3) street = next.stem;
    }
    if (token.norm.length < 3 || isNumber(token.norm) || STOP_STEMS.has(stem) || seen.has(stem)) continue;
    seen.add(stem);
    stems.push(stem);
  }
  if (shingles.length === 0 && previous !== '') shingles.push(fnv1a(previous));
  return { stems, street, shingles };
}

const GENERIC_PLACE_WORDS = new Set([
  'г',
  'гор',
  'город',
  'городск',
  'округ',
  'район',
  'муниципальн',
  'сельск',
  'поселен',
  'поселк',
  'посел',
  'пгт',
  'рп',
  'с',
  'д',
  'мо',
  'го',
  'мр',
]);

/**
 * A municipality's key: the stem of its first proper word ("г. Бердск" and «в Бердске» both give
 * "бердск"), or the lower-cased value when it has none (a code such as "50701000").
 */
export function placeKeyOf(municipality: string): string {
  for (const token of analyse(municipality).tokens) {
    if (token.norm.length < 3 || GENERIC_PLACE_WORDS.has(token.stem) || isNumber(token.norm)) continue;
    return token.stem;
  }
  return municipality.trim().toLowerCase();
}

/**
 * What the detector reads in a text, through the classifier's own normalisation and stemming (so both
 * read the same words): content stems, the street, and the shingles of the near-duplicate test.
 */
import { analyse } from '../classifier/text.js';
import { fnv1a } from './hash.js';

export interface TextFeatures {
  /** Distinct stems of content words (three letters or more, not function words, not numbers). */
  stems: string[];
  /** Each stem's word as written (normalised), for titles. */
  words: string[];
  /**
   * Where in the town: the number of a route named beside «автобус», «маршрут» ... (`№32`), else the stem
   * of the street named after «ул.», «улица», «проспект» ..., or null.
   */
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

// A number beside one of these is a route («автобус 32», «32 маршрут»), the transport's «street».
const TRANSPORT_STEMS = new Set(['автобус', 'маршрут', 'маршрутк', 'трамва', 'троллейбус', 'электричк']);
const ROUTE_REACH = 2;

function isNumber(word: string): boolean {
  const c = word.charCodeAt(0);
  return c >= 0x30 && c <= 0x39;
}

// «на Чкалова», «По Ленина»: a capitalised word after a preposition of place is most often a
// street (the preposition may open the sentence: «На Мира прорвало трубу»).
const NAMED_STREET = /(?:^|[\s,.(!?:])(?:[Нн]а|[Пп]о)\s+([А-ЯЁ][а-яё]{3,})/u;
// «Советской 76», «Мира 45»: a capitalised word before a house number, inside a sentence (not its first
// word, which is capitalised anyway), names a street without any marker.
const NUMBERED_STREET = /[^\s.!?:]\s+([А-ЯЁ][а-яё]{3,})\s+\d{1,3}(?![\d.,:]\d)/u;

function namedStreet(text: string): string | null {
  const match = NAMED_STREET.exec(text) ?? NUMBERED_STREET.exec(text);
  if (match === null) return null;
  return analyse(match[1] as string).tokens[0]?.stem ?? null;
}

export function featuresOf(text: string): TextFeatures {
  const { tokens } = analyse(text);
  const stems: string[] = [];
  const words: string[] = [];
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
    words.push(token.norm);
  }
  if (shingles.length === 0 && previous !== '') shingles.push(fnv1a(previous));
  const route = routeOf(tokens);
  if (route !== null) street = route;
  else if (street === null) street = namedStreet(text);
  return { stems, words, street, shingles };
}

function routeOf(tokens: readonly { norm: string; stem: string }[]): string | null {
  for (let i = 0; i < tokens.length; i++) {
    if (!TRANSPORT_STEMS.has(tokens[i]!.stem)) continue;
    const from = Math.max(0, i - ROUTE_REACH);
    const to = Math.min(tokens.length - 1, i + ROUTE_REACH);
    for (let j = from; j <= to; j++) if (isNumber(tokens[j]!.norm)) return `№${tokens[j]!.norm}`;
  }
  return null;
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

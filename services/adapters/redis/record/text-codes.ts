import { StaticHuffman } from './huffman.js';

/**
 * The two codes of the open record's tail (record.ts). Their weights are part of the stored format.
 *
 * RUSSIAN_TEXT, for the excerpt: rough frequencies per 10,000 characters of Russian prose with spaces
 * (letters after the usual published tables), so a lowercase Cyrillic letter costs ~4.5 bits.
 */
const RUSSIAN_LOWER: Record<string, number> = {
  ' ': 1500,
  о: 935,
  е: 720,
  а: 683,
  и: 627,
  н: 571,
  т: 539,
  с: 466,
  р: 403,
  в: 387,
  л: 375,
  к: 298,
  м: 274,
  д: 254,
  п: 240,
  у: 223,
  я: 171,
  ы: 162,
  ь: 148,
  г: 145,
  з: 141,
  б: 136,
  ч: 123,
  й: 103,
  х: 83,
  ж: 80,
  ш: 62,
  ю: 55,
  ц: 41,
  щ: 31,
  э: 27,
  ф: 22,
  ъ: 4,
  ё: 4,
};
const TEXT_PUNCTUATION: Record<string, number> = {
  ',': 110,
  '.': 80,
  '!': 20,
  '?': 20,
  '-': 15,
  '…': 15,
  ':': 8,
  ')': 8,
  '(': 6,
  '"': 6,
  '«': 5,
  '»': 5,
  '—': 5,
  '№': 3,
  '/': 3,
  '%': 2,
  ';': 2,
  "'": 2,
};

function russianText(): Map<string, number> {
  const weights = new Map<string, number>();
  for (let c = 0x20; c < 0x7f; c++) weights.set(String.fromCharCode(c), 1);
  for (let c = 0x61; c <= 0x7a; c++) weights.set(String.fromCharCode(c), 3);
  for (let c = 0x30; c <= 0x39; c++) weights.set(String.fromCharCode(c), 20);
  for (const [char, weight] of Object.entries(RUSSIAN_LOWER)) {
    weights.set(char, weight);
    if (char !== ' ') weights.set(char.toUpperCase(), 6);
  }
  for (const [char, weight] of Object.entries(TEXT_PUNCTUATION)) weights.set(char, weight);
  return weights;
}

/**
 * IDENTIFIERS, for ids and urls: digits and lowercase letters first (platform ids are numbers or
 * base-36-like strings), then url punctuation and the marks record.ts puts in a url (U+0001 comment
 * id, U+0002 thread id, U+001E "https://").
 */
function identifiers(): Map<string, number> {
  const weights = new Map<string, number>();
  for (let c = 0x20; c < 0x7f; c++) weights.set(String.fromCharCode(c), 1);
  for (let c = 0x41; c <= 0x5a; c++) weights.set(String.fromCharCode(c), 6);
  for (let c = 0x61; c <= 0x7a; c++) weights.set(String.fromCharCode(c), 24);
  for (let c = 0x30; c <= 0x39; c++) weights.set(String.fromCharCode(c), 60);
  const punctuation: Record<string, number> = {
    '-': 16,
    _: 14,
    '/': 20,
    '.': 14,
    '?': 6,
    '=': 8,
    '&': 3,
    ':': 3,
    '%': 3,
    '\u0001': 8,
    '\u0002': 8,
    '\u001e': 8,
  };
  for (const [char, weight] of Object.entries(punctuation)) weights.set(char, weight);
  return weights;
}

export const RUSSIAN_TEXT = new StaticHuffman(russianText(), 2, 15);
export const IDENTIFIERS = new StaticHuffman(identifiers(), 1, 30);

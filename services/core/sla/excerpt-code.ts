/**
 * A compact byte encoding of a comment excerpt for the open SLA record in Redis, where every byte of
 * every open comment counts (lua/_README.md): a static Huffman code over the characters of Russian
 * text, so a Cyrillic letter costs ~4.5 bits instead of the 16 of UTF-8. Only TypeScript reads it (Lua
 * treats it as opaque bytes). Any other character is escaped and costs 21 bits more, so nothing is lost.
 *
 * Layout: the character count as a base-128 varint, then the code bits, most significant first, padded
 * with zero bits to a whole byte. The weights are part of the stored format: changing them makes stored
 * excerpts decode wrongly, so they are constants here, not settings.
 */

/** Rough frequencies per 10,000 characters of Russian prose with spaces (letters: the usual tables). */
const LOWER_WEIGHTS: Record<string, number> = {
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
const OTHER_WEIGHTS: Record<string, number> = {
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
const DIGIT_WEIGHT = 20;
const UPPER_CYRILLIC_WEIGHT = 6;
const LATIN_LOWER_WEIGHT = 3;
const OTHER_ASCII_WEIGHT = 1;
const ESCAPE = '\u{10ffff}_escape';
const ESCAPE_WEIGHT = 2;
const CODE_POINT_BITS = 21;

interface Code {
  bits: number;
  length: number;
}
interface Node {
  weight: number;
  symbol?: string;
  left?: Node;
  right?: Node;
}

function symbolWeights(): Map<string, number> {
  const weights = new Map<string, number>();
  for (let c = 0x20; c < 0x7f; c++) weights.set(String.fromCharCode(c), OTHER_ASCII_WEIGHT);
  for (let c = 0x61; c <= 0x7a; c++) weights.set(String.fromCharCode(c), LATIN_LOWER_WEIGHT);
  for (let c = 0x30; c <= 0x39; c++) weights.set(String.fromCharCode(c), DIGIT_WEIGHT);
  for (const [symbol, weight] of Object.entries(LOWER_WEIGHTS)) {
    weights.set(symbol, weight);
    if (symbol !== ' ') weights.set(symbol.toUpperCase(), UPPER_CYRILLIC_WEIGHT);
  }
  for (const [symbol, weight] of Object.entries(OTHER_WEIGHTS)) weights.set(symbol, weight);
  weights.set(ESCAPE, ESCAPE_WEIGHT);
  return weights;
}

/** Builds the tree deterministically: ties broken by insertion order (symbols in a fixed order). */
function buildTree(weights: Map<string, number>): Node {
  const symbols = [...weights.keys()].sort();
  let queue: Node[] = symbols.map((symbol) => ({ weight: weights.get(symbol) as number, symbol }));
  while (queue.length > 1) {
    queue = queue.sort((a, b) => a.weight - b.weight);
    const [left, right] = queue.splice(0, 2) as [Node, Node];
    queue.push({ weight: left.weight + right.weight, left, right });
  }
  return queue[0] as Node;
}

const TREE = buildTree(symbolWeights());
const CODES = new Map<string, Code>();
(function assign(node: Node, bits: number, length: number) {
  if (node.symbol !== undefined) {
    CODES.set(node.symbol, { bits, length });
    return;
  }
  assign(node.left as Node, bits * 2, length + 1);
  assign(node.right as Node, bits * 2 + 1, length + 1);
})(TREE, 0, 0);

class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private used = 0;

  write(bits: number, length: number) {
    for (let i = length - 1; i >= 0; i--) {
      this.current = (this.current << 1) | (Math.floor(bits / 2 ** i) & 1);
      if (++this.used === 8) {
        this.bytes.push(this.current);
        this.current = 0;
        this.used = 0;
      }
    }
  }

  finish(prefix: number[]): Buffer {
    const tail = this.used > 0 ? [this.current << (8 - this.used)] : [];
    return Buffer.from([...prefix, ...this.bytes, ...tail]);
  }
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

/** Encodes an excerpt; the empty excerpt is one zero byte. */
export function encodeExcerpt(text: string): Buffer {
  const writer = new BitWriter();
  let count = 0;
  for (const char of text) {
    count++;
    const code = CODES.get(char);
    if (code) {
      writer.write(code.bits, code.length);
    } else {
      const escape = CODES.get(ESCAPE) as Code;
      writer.write(escape.bits, escape.length);
      writer.write(char.codePointAt(0) as number, CODE_POINT_BITS);
    }
  }
  return writer.finish(varint(count));
}

/** Decodes what `encodeExcerpt` wrote (an empty buffer decodes to ''). */
export function decodeExcerpt(bytes: Uint8Array): string {
  let count = 0;
  let shift = 1;
  let pos = 0;
  while (pos < bytes.length) {
    const byte = bytes[pos++] as number;
    count += (byte & 0x7f) * shift;
    shift *= 0x80;
    if (byte < 0x80) break;
  }
  let bit = pos * 8;
  const readBit = () => {
    const byte = bytes[bit >> 3];
    if (byte === undefined) throw new Error('excerpt code: truncated');
    return (byte >> (7 - (bit++ & 7))) & 1;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let node = TREE;
    while (node.symbol === undefined) node = (readBit() ? node.right : node.left) as Node;
    if (node.symbol === ESCAPE) {
      let codePoint = 0;
      for (let b = 0; b < CODE_POINT_BITS; b++) codePoint = codePoint * 2 + readBit();
      out.push(String.fromCodePoint(codePoint));
    } else {
      out.push(node.symbol);
    }
  }
  return out.join('');
}

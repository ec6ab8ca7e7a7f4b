/**
 * A static Huffman code over characters, for the text fields of the open SLA record in Redis, where
 * every byte of every open comment counts (lua/_README.md). Only TypeScript reads these fields (Lua
 * treats them as opaque bytes). A character outside the code's alphabet is escaped and costs 21 bits
 * more, so any text round-trips; each string ends with an END symbol. The weights of a code are part of
 * the stored format: changing them makes stored records decode wrongly.
 */
const ESCAPE = '\u{10ffff}escape';
const END = '\u{10ffff}end';
const CODE_POINT_BITS = 21;

interface Node {
  weight: number;
  symbol?: string;
  left?: Node;
  right?: Node;
}

export class BitWriter {
  private bytes = new Uint8Array(64);
  private size = 0;
  /** Bits not yet in `bytes`: fewer than 8 between calls. */
  private pending = 0;
  private pendingBits = 0;

  /** Appends the low `length` bits of `bits`, most significant first. */
  write(bits: number, length: number): void {
    if (length > 16) {
      // Keeps `pending << length` within 31 bits.
      this.write(Math.floor(bits / 0x10000), length - 16);
      this.write(bits & 0xffff, 16);
      return;
    }
    this.pending = (this.pending << length) | bits;
    this.pendingBits += length;
    while (this.pendingBits >= 8) {
      this.pendingBits -= 8;
      if (this.size === this.bytes.length) {
        const grown = new Uint8Array(this.bytes.length * 2);
        grown.set(this.bytes);
        this.bytes = grown;
      }
      this.bytes[this.size++] = this.pending >>> this.pendingBits;
      this.pending &= (1 << this.pendingBits) - 1;
    }
  }

  /** Empties the writer for reuse (its storage is kept). */
  reset(): void {
    this.size = 0;
    this.pending = 0;
    this.pendingBits = 0;
  }

  /** Bytes that `toBuffer` or `copyTo` give: the bits written, padded to a whole byte. */
  get byteLength(): number {
    return this.size + (this.pendingBits > 0 ? 1 : 0);
  }

  /** Copies the padded bytes into `target` at `offset`; returns the offset after them. */
  copyTo(target: Uint8Array, offset: number): number {
    target.set(this.bytes.subarray(0, this.size), offset);
    if (this.pendingBits > 0) target[offset + this.size] = this.pending << (8 - this.pendingBits);
    return offset + this.byteLength;
  }

  /** The bits written, padded with zero bits to a whole byte. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.size + (this.pendingBits > 0 ? 1 : 0));
    out.set(this.bytes.subarray(0, this.size));
    if (this.pendingBits > 0) out[this.size] = this.pending << (8 - this.pendingBits);
    return out;
  }
}

export class BitReader {
  private bit = 0;
  constructor(private readonly bytes: Uint8Array) {}

  read(): number {
    const byte = this.bytes[this.bit >> 3];
    if (byte === undefined) throw new Error('huffman: truncated input');
    return (byte >> (7 - (this.bit++ & 7))) & 1;
  }
}

export class StaticHuffman {
  private readonly tree: Node;
  private readonly codes = new Map<string, { bits: number; length: number }>();
  /** The codes of single UTF-16 units by char code (0: none), for a fast write. */
  private readonly unitBits = new Float64Array(0x10000);
  private readonly unitLength = new Uint8Array(0x10000);

  /** `weights`: character -> relative frequency; ESCAPE and END are added with the weights given. */
  constructor(weights: ReadonlyMap<string, number>, escapeWeight: number, endWeight: number) {
    const all = new Map(weights);
    all.set(ESCAPE, escapeWeight);
    all.set(END, endWeight);
    // Deterministic: symbols in a fixed order, ties broken by position.
    let queue: Node[] = [...all.keys()]
      .sort()
      .map((symbol) => ({ weight: all.get(symbol) as number, symbol }));
    while (queue.length > 1) {
      queue = queue.sort((a, b) => a.weight - b.weight);
      const [left, right] = queue.splice(0, 2) as [Node, Node];
      queue.push({ weight: left.weight + right.weight, left, right });
    }
    this.tree = queue[0] as Node;
    const assign = (node: Node, bits: number, length: number) => {
      if (node.symbol !== undefined) this.codes.set(node.symbol, { bits, length });
      else {
        assign(node.left as Node, bits * 2, length + 1);
        assign(node.right as Node, bits * 2 + 1, length + 1);
      }
    };
    assign(this.tree, 0, 0);
    for (const [symbol, code] of this.codes) {
      if (symbol.length === 1) {
        this.unitBits[symbol.charCodeAt(0)] = code.bits;
        this.unitLength[symbol.charCodeAt(0)] = code.length;
      }
    }
  }

  /** Bits of the END symbol that closes every string. */
  get endBits(): number {
    return (this.codes.get(END) as { length: number }).length;
  }

  /** Bits of a character outside the alphabet: ESCAPE and the code point. */
  get escapedBits(): number {
    return (this.codes.get(ESCAPE) as { length: number }).length + CODE_POINT_BITS;
  }

  /** Most bits a character of the alphabet costs per UTF-8 byte it takes. */
  get maxCodedBitsPerUtf8Byte(): number {
    let max = 0;
    for (const [symbol, code] of this.codes) {
      if (symbol === END || symbol === ESCAPE) continue;
      max = Math.max(max, code.length / Buffer.byteLength(symbol, 'utf8'));
    }
    return max;
  }

  /** Most bits a single UTF-16 unit costs, in the alphabet or escaped. */
  get maxBitsPerUnit(): number {
    let max = this.escapedBits;
    for (const [symbol, code] of this.codes) if (symbol.length === 1) max = Math.max(max, code.length);
    return max;
  }

  private put(writer: BitWriter, symbol: string): boolean {
    const code = this.codes.get(symbol);
    if (code) writer.write(code.bits, code.length);
    return code !== undefined;
  }

  /** Writes `text` and an END symbol. */
  write(writer: BitWriter, text: string): void {
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      const length = this.unitLength[unit] as number;
      if (length > 0) {
        writer.write(this.unitBits[unit] as number, length);
      } else {
        const codePoint = text.codePointAt(i) as number;
        if (codePoint > 0xffff) i++;
        this.put(writer, ESCAPE);
        writer.write(codePoint, CODE_POINT_BITS);
      }
    }
    this.put(writer, END);
  }

  /** Reads one string written by `write`. */
  read(reader: BitReader): string {
    const out: string[] = [];
    for (;;) {
      let node = this.tree;
      while (node.symbol === undefined) node = (reader.read() ? node.right : node.left) as Node;
      if (node.symbol === END) return out.join('');
      if (node.symbol === ESCAPE) {
        let codePoint = 0;
        for (let b = 0; b < CODE_POINT_BITS; b++) codePoint = codePoint * 2 + reader.read();
        out.push(String.fromCodePoint(codePoint));
      } else {
        out.push(node.symbol);
      }
    }
  }
}

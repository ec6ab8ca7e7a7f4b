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
  private readonly bytes: number[] = [];
  private current = 0;
  private used = 0;

  write(bits: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.current = (this.current << 1) | (Math.floor(bits / 2 ** i) & 1);
      if (++this.used === 8) {
        this.bytes.push(this.current);
        this.current = 0;
        this.used = 0;
      }
    }
  }

  /** The bits written, padded with zero bits to a whole byte. */
  toBuffer(): Buffer {
    const last = this.used > 0 ? [this.current << (8 - this.used)] : [];
    return Buffer.from([...this.bytes, ...last]);
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
  }

  private put(writer: BitWriter, symbol: string): boolean {
    const code = this.codes.get(symbol);
    if (code) writer.write(code.bits, code.length);
    return code !== undefined;
  }

  /** Writes `text` and an END symbol. */
  write(writer: BitWriter, text: string): void {
    for (const char of text) {
      if (!this.put(writer, char)) {
        this.put(writer, ESCAPE);
        writer.write(char.codePointAt(0) as number, CODE_POINT_BITS);
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

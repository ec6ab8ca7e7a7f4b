import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import {
  decodeClassifiedComment,
  encodeClassifiedComment,
  type ClassifiedComment,
} from '../../../../services/core/contracts/index.js';
import { classifiedComment, commentEvent } from './fixtures.js';

/**
 * patches/avsc+5.7.9.patch: avsc allocated an array of the declared block count before reading a
 * single item, so a 58-byte ClassifiedComment declaring 16 million evidence items cost about 930 MB
 * in `otklik tail` and in any consumer of our schemas. A count larger than the bytes left now fails
 * the decoding first.
 */
const require = createRequire(import.meta.url);
const SCHEMAS = `${import.meta.dirname}/../../../../schemas`;
const DECLARED = 16_000_000;

/** Avro's long: zigzag, then 7 bits per byte, low first. */
function avroLong(value: number): Buffer {
  let zigzag = BigInt(value) >= 0n ? BigInt(value) * 2n : -BigInt(value) * 2n - 1n;
  const bytes: number[] = [];
  while (zigzag >= 0x80n) {
    bytes.push(Number(zigzag & 0x7fn) | 0x80);
    zigzag >>= 7n;
  }
  bytes.push(Number(zigzag));
  return Buffer.from(bytes);
}

function small(evidence: ClassifiedComment['classification']['evidence']): ClassifiedComment {
  const base = classifiedComment();
  return classifiedComment({
    key: 'V:1',
    comment: commentEvent({
      event_id: 'e',
      comment_id: '1',
      thread_id: 't',
      page_id: 'p',
      municipality: null,
      author: { id: 'a', kind: 'CITIZEN' },
      text: 'x',
      url: null,
    }),
    classification: { ...base.classification, evidence, version: 'v' },
    sla: null,
  });
}

/** A short message whose evidence array declares 16 million items and then ends. */
function hostileClassified(): Buffer {
  const empty = encodeClassifiedComment(small([]));
  const one = encodeClassifiedComment(small([{ concern: '', feature: '', weight: 0 }]));
  let at = 0;
  while (empty[at] === one[at]) at++;
  return Buffer.concat([empty.subarray(0, at), avroLong(DECLARED), Buffer.alloc(4)]);
}

/** Runs `decode`, returning its error, the milliseconds taken and how much the process grew. */
function measured(decode: () => unknown): { error: unknown; ms: number; grownMb: number } {
  const before = process.memoryUsage();
  const started = performance.now();
  let error: unknown;
  try {
    decode();
  } catch (e) {
    error = e;
  }
  const after = process.memoryUsage();
  const grown = Math.max(after.rss - before.rss, after.heapUsed - before.heapUsed);
  return { error, ms: performance.now() - started, grownMb: grown / 1e6 };
}

describe('avsc block counts (patches/avsc+5.7.9.patch)', () => {
  it('is applied by the install', () => {
    const source = readFileSync(require.resolve('avsc/lib/types.js'), 'utf8');
    expect(source).toContain('function isPlausibleBlockCount(tap, n, itemsType)');
    expect(source.match(/isPlausibleBlockCount\(tap, n, /g)).toHaveLength(5);
  });

  it('a short ClassifiedComment declaring 16 million evidence items fails quickly and allocates nothing', () => {
    const hostile = hostileClassified();
    expect(hostile.length).toBeLessThan(80);
    const { error, ms, grownMb } = measured(() => decodeClassifiedComment(hostile));
    expect(error).toBeInstanceOf(Error);
    expect(grownMb).toBeLessThan(50);
    expect(ms).toBeLessThan(1_000);
  });

  it('the same through a resolver (a reader schema with one more field)', () => {
    const writerSchema = JSON.parse(readFileSync(`${SCHEMAS}/classified-comment.v1.avsc`, 'utf8')) as {
      fields: object[];
    };
    const writer = avro.Type.forSchema(writerSchema as avro.Schema);
    const reader = avro.Type.forSchema({
      ...writerSchema,
      fields: [...writerSchema.fields, { name: 'extra', type: 'int', default: 0 }],
    } as avro.Schema);
    const resolver = reader.createResolver(writer);
    const body = hostileClassified().subarray(5); // without the wire header
    const { error, grownMb } = measured(() => reader.fromBuffer(body, resolver));
    expect((error as Error).message).toBe('truncated buffer');
    expect(grownMb).toBeLessThan(50);
  });

  it('maps, and skipped arrays, are bounded too', () => {
    const type = avro.Type.forSchema({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'm', type: { type: 'map', values: 'string' } },
        { name: 'a', type: { type: 'array', items: 'long' } },
      ],
    });
    const hostileMap = Buffer.concat([avroLong(DECLARED), Buffer.alloc(8)]);
    expect(measured(() => type.fromBuffer(hostileMap)).grownMb).toBeLessThan(50);
    expect(() => type.fromBuffer(hostileMap)).toThrow('truncated buffer');
    expect(type.decode(hostileMap).offset).toBe(-1);
    // A reader without the array skips the writer's array: no loop over 2^50 items.
    const reader = avro.Type.forSchema({
      type: 'record',
      name: 'R',
      fields: [{ name: 'm', type: { type: 'map', values: 'string' } }],
    });
    const hugeSkip = Buffer.concat([Buffer.from([0]), avroLong(2 ** 50), Buffer.alloc(3)]);
    const { error, ms } = measured(() => reader.fromBuffer(hugeSkip, reader.createResolver(type)));
    expect((error as Error).message).toBe('truncated buffer');
    expect(ms).toBeLessThan(1_000);
  });

  it('items that encode to zero bytes (null, empty records) are capped at a million per buffer', () => {
    const nulls = avro.Type.forSchema({ type: 'array', items: 'null' });
    const empties = avro.Type.forSchema({
      type: 'array',
      items: { type: 'record', name: 'Empty', fields: [] },
    });
    expect(nulls.fromBuffer(nulls.toBuffer(new Array(1000).fill(null)))).toHaveLength(1000);
    expect(empties.fromBuffer(empties.toBuffer([{}, {}]))).toHaveLength(2);
    for (const type of [nulls, empties]) {
      const hostile = Buffer.concat([avroLong(DECLARED), Buffer.from([0])]);
      const { error, grownMb } = measured(() => type.fromBuffer(hostile));
      expect((error as Error).message).toMatch(/more than 1000000 items of a zero-size type/);
      expect(grownMb).toBeLessThan(50);
    }
    // Many blocks count together.
    const blocks = Buffer.concat([...Array.from({ length: 20 }, () => avroLong(100_000)), Buffer.from([0])]);
    expect(() => nulls.fromBuffer(blocks)).toThrow(/zero-size type/);
  });

  it('well-formed messages decode as before', () => {
    const classified = classifiedComment();
    expect(decodeClassifiedComment(encodeClassifiedComment(classified))).toEqual(classified);
    const evidence = Array.from({ length: 5000 }, (_, i) => ({ concern: 'c', feature: `f${i}`, weight: i }));
    const many = small(evidence);
    expect(decodeClassifiedComment(encodeClassifiedComment(many)).classification.evidence).toEqual(evidence);
  });
});

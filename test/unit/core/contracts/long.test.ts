import { describe, expect, it } from 'vitest';
import {
  buildAvroType,
  ContractError,
  createCommentDecoder,
  decodeSlaAlert,
  encodeCommentEvent,
  encodeSlaAlert,
  frameWire,
} from '../../../../services/core/contracts/index.js';
import { commentEvent, NOW, slaAlert } from './fixtures.js';

/** The Avro spec's long encoding, done with BigInt: zigzag, then 7-bit groups, low group first. */
function referenceLong(value: bigint): Buffer {
  let zigzag = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  const bytes: number[] = [];
  do {
    let byte = Number(zigzag & 0x7fn);
    zigzag >>= 7n;
    if (zigzag !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (zigzag !== 0n);
  return Buffer.from(bytes);
}

const EDGES = [
  0,
  1,
  -1,
  63,
  -64,
  64,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 52,
  -(2 ** 52),
  -(2 ** 52) - 1,
  -(2 ** 52) - 3,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  NOW,
  -NOW,
];

describe('Avro long, exact over the whole safe-integer range', () => {
  for (const schema of ['long', { type: 'long', logicalType: 'timestamp-millis' }]) {
    it(`writes and reads the spec's bytes for ${JSON.stringify(schema)}`, () => {
      const type = buildAvroType(schema);
      for (const value of EDGES) {
        const expected = referenceLong(BigInt(value));
        expect(type.toBuffer(value).toString('hex'), String(value)).toBe(expected.toString('hex'));
        expect(type.fromBuffer(expected), String(value)).toBe(value);
      }
    });
  }

  it('keeps the sign of large negative longs inside records (avsc alone flips it below -2^52)', () => {
    const alert = slaAlert({ overdue_ms: Number.MIN_SAFE_INTEGER, due_at: -(2 ** 52) - 1 });
    expect(decodeSlaAlert(encodeSlaAlert(alert))).toEqual(alert);
  });

  it('refuses longs a number cannot hold exactly, as MALFORMED_AVRO', () => {
    const type = buildAvroType('long');
    for (const value of [2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n]) {
      expect(() => type.fromBuffer(referenceLong(value)), String(value)).toThrow(/2\^53/);
    }
    expect(() => type.toBuffer(2 ** 53)).toThrow();
    expect(() => type.toBuffer(1.5)).toThrow();

    const body = encodeCommentEvent(commentEvent({ url: null })).subarray(5);
    // posted_at is followed by url (null branch: one 0x00 byte); swap posted_at's varint for 2^60.
    const postedAt = referenceLong(BigInt(commentEvent().posted_at));
    const at = body.length - 1 - postedAt.length;
    expect(body.subarray(at, at + postedAt.length).equals(postedAt)).toBe(true);
    const huge = Buffer.concat([
      body.subarray(0, at),
      referenceLong(2n ** 60n),
      body.subarray(at + postedAt.length),
    ]);
    const decode = createCommentDecoder();
    expect(() => decode(frameWire(1, huge), {}, NOW)).toThrow(ContractError);
    try {
      decode(frameWire(1, huge), {}, NOW);
    } catch (err) {
      expect((err as ContractError).code).toBe('MALFORMED_AVRO');
    }
  });
});

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/** patches/kafkajs+2.2.4.patch: applied by `npm ci`, and giving what the unpatched code gave. */
const require = createRequire(import.meta.url);
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (b: Buffer) => number;
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (o: {
  topic: string;
  partitionMetadata: unknown[];
  messages: { key: string }[];
  partitioner: (o: { message: { key: string } }) => number;
}) => Record<string, { key: string }[]>;
interface KafkaEncoder {
  writeInt32(v: number): KafkaEncoder;
  writeVarIntString(v: string): KafkaEncoder;
  writeVarLong(v: number): KafkaEncoder;
  buffer: Buffer;
}
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: Buffer | string,
) => number;
const Encoder = require('kafkajs/src/protocol/encoder.js') as {
  new (): KafkaEncoder;
  sizeOfVarLong(v: number): number;
};

/** Kafka's varlong: zigzag over 64 bits, then 7 bits per byte, low first. */
function varlong(value: number): string {
  let zigzag = BigInt.asUintN(64, (BigInt(value) << 1n) ^ (BigInt(value) >> 63n));
  const bytes: number[] = [];
  while (zigzag >= 0x80n) {
    bytes.push(Number(zigzag & 0x7fn) | 0x80);
    zigzag >>= 7n;
  }
  bytes.push(Number(zigzag));
  return Buffer.from(bytes).toString('hex');
}

/** CRC-32C bit by bit, straight from the polynomial (reflected 0x82F63B78). */
function crc32cBitwise(buffer: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Kafka's murmur2 as kafkajs wrote it before the patch: 64-bit products and xors (its Long objects),
 * the low 32 bits read as a signed int at the end. BigInt keeps all 64 bits, so the 32-bit patch is
 * checked against the arithmetic it replaced, not against itself.
 */
function murmur2Long(key: Buffer): number {
  const wrap = (v: bigint) => BigInt.asIntN(64, v);
  const low = (v: bigint) => Number(BigInt.asIntN(32, v));
  const M = 0x5bd1e995n;
  let h = wrap(0x9747b28cn ^ BigInt(key.length));
  for (let i = 0; i + 3 < key.length; i += 4) {
    let k = wrap(BigInt(key[i]! + (key[i + 1]! << 8) + (key[i + 2]! << 16) + (key[i + 3]! << 24)));
    k = wrap(k * M);
    k = wrap(k ^ BigInt(low(k) >>> 24));
    k = wrap(k * M);
    h = wrap(h * M);
    h = wrap(h ^ k);
  }
  const tail = key.length & ~3;
  const rest = key.length % 4;
  if (rest >= 3) h = wrap(h ^ BigInt(key[tail + 2]! << 16));
  if (rest >= 2) h = wrap(h ^ BigInt(key[tail + 1]! << 8));
  if (rest >= 1) h = wrap(wrap(h ^ BigInt(key[tail]!)) * M);
  h = wrap(h ^ BigInt(low(h) >>> 13));
  h = wrap(h * M);
  h = wrap(h ^ BigInt(low(h) >>> 15));
  return low(h);
}

describe('kafkajs patches', () => {
  it('are applied by the install', () => {
    const source = (path: string) => readFileSync(require.resolve(`kafkajs/src/${path}`), 'utf8');
    expect(source('protocol/recordBatch/crc32C/crc32C.js')).toContain('Slicing-by-8');
    expect(source('producer/groupMessagesPerPartition.js')).toContain('appending in place');
    expect(source('protocol/encoder.js')).toContain('Buffer.allocUnsafe(Encoder.nextPowerOfTwo');
    expect(source('protocol/encoder.js')).toContain('isInt32(value)');
    expect(source('protocol/requests/produce/v3/request.js')).toContain('own fields only');
    expect(source('producer/partitioners/default/murmur2.js')).toContain('Math.imul');
  });

  it("murmur2 (the default partitioner, Java-compatible) gives the 64-bit version's hash for any key", () => {
    for (let length = 0; length < 70; length++) {
      for (let n = 0; n < 20; n++) {
        const key = randomBytes(length);
        expect(murmur2(key), key.toString('hex')).toBe(murmur2Long(key));
      }
    }
    for (const key of ['', 'VK:123', 'ключ', '21']) expect(murmur2(key)).toBe(murmur2Long(Buffer.from(key)));
  });

  it('CRC-32C: the check value and random buffers of every length equal the bitwise definition', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    for (let length = 0; length < 70; length++) {
      const buffer = randomBytes(length);
      expect(crc32C(buffer)).toBe(crc32cBitwise(buffer));
    }
    const large = randomBytes(100_003);
    expect(crc32C(large)).toBe(crc32cBitwise(large));
  });

  it('grouping keeps every message once, in its order, under its partition', () => {
    const messages = Array.from({ length: 20_000 }, (_, i) => ({ key: String(i) }));
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [{}],
      messages,
      partitioner: ({ message }) => Number(message.key) % 7,
    });
    expect(Object.keys(grouped).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    for (const [partition, list] of Object.entries(grouped)) {
      expect(list.every((m) => Number(m.key) % 7 === Number(partition))).toBe(true);
      expect(list.map((m) => Number(m.key))).toEqual(
        [...list.map((m) => Number(m.key))].sort((a, b) => a - b),
      );
    }
    expect(Object.values(grouped).reduce((n, list) => n + list.length, 0)).toBe(messages.length);
  });

  it('an encoder exposes only the bytes written (its storage is not zero-filled)', () => {
    const encoder = new Encoder();
    encoder.writeInt32(7);
    encoder.writeVarIntString('ключ');
    expect([...encoder.buffer]).toEqual([0, 0, 0, 7, 16, ...Buffer.from('ключ')]);
  });

  it('varlongs (record timestamp deltas) are the bytes the protocol defines, 32-bit fast path or not', () => {
    const values = [0, 1, -1, 63, 64, -64, -65, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 52];
    for (let i = 0; i < 2_000; i++)
      values.push(Math.trunc((Math.random() - 0.5) * 2 ** (Math.random() * 53)));
    for (const value of values) {
      const written = new Encoder().writeVarLong(value).buffer.toString('hex');
      expect(written).toBe(varlong(value));
      expect(Encoder.sizeOfVarLong(value)).toBe(written.length / 2);
    }
  });
});

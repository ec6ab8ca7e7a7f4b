import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  boundDeadLetter,
  DLQ_ORIGINAL_SHA256_HEADER,
  DLQ_ORIGINAL_SIZE_HEADER,
  DLQ_TRUNCATED_HEADER,
  recordBytes,
  ContractError,
  DEAD_LETTER_CODES,
  deadLetterHeaders,
  DLQ_AT_HEADER,
  DLQ_CODE_HEADER,
  DLQ_FIELD_HEADER,
  DLQ_MESSAGE_HEADER,
  DLQ_SOURCE_OFFSET_HEADER,
  DLQ_SOURCE_PARTITION_HEADER,
  DLQ_SOURCE_TOPIC_HEADER,
  readDeadLetterHeaders,
  withDeadLetterHeaders,
  withoutDeadLetterHeaders,
} from '../../../../services/core/contracts/index.js';
import { NOW } from './fixtures.js';

const source = { topic: 'otklik.comments.v1', partition: 3, offset: '12345' };

describe('dead-letter headers', () => {
  it('carry the code, message, field, source and time under stable names', () => {
    const error = new ContractError('MISSING_FIELD', 'text: required field is missing', 'text');
    expect(deadLetterHeaders(error, source, NOW)).toEqual({
      [DLQ_CODE_HEADER]: 'MISSING_FIELD',
      [DLQ_MESSAGE_HEADER]: 'text: required field is missing',
      [DLQ_FIELD_HEADER]: 'text',
      [DLQ_SOURCE_TOPIC_HEADER]: 'otklik.comments.v1',
      [DLQ_SOURCE_PARTITION_HEADER]: '3',
      [DLQ_SOURCE_OFFSET_HEADER]: '12345',
      [DLQ_AT_HEADER]: '2025-01-15T09:30:00.000Z',
    });
    expect(DLQ_CODE_HEADER).toBe('otklik.dlq.code');
    expect(DLQ_SOURCE_OFFSET_HEADER).toBe('otklik.dlq.source.offset');
  });

  it('leave out the field when none is to blame, and bound the message', () => {
    const headers = deadLetterHeaders(new ContractError('BAD_MAGIC_BYTE', 'x'.repeat(5000)), source, NOW);
    expect(headers[DLQ_FIELD_HEADER]).toBeUndefined();
    expect(headers[DLQ_MESSAGE_HEADER]!.length).toBe(1000);
  });

  it('are added to the original headers, replacing the reason of an earlier dead-lettering', () => {
    const original = {
      'content-type': Buffer.from('application/json'),
      trace: ['a', 'b'],
      [DLQ_CODE_HEADER]: 'TEXT_TOO_LONG',
      [DLQ_FIELD_HEADER]: 'text',
      gone: undefined,
    };
    const dlq = deadLetterHeaders(new ContractError('INVALID_JSON', 'value is not valid JSON'), source, NOW);
    const merged = withDeadLetterHeaders(original, dlq);
    expect(merged).toEqual({ 'content-type': Buffer.from('application/json'), trace: ['a', 'b'], ...dlq });
    expect(withoutDeadLetterHeaders(merged)).toEqual({
      'content-type': Buffer.from('application/json'),
      trace: ['a', 'b'],
    });
  });

  it('read back into the reason, from strings or Buffers as kafkajs delivers them', () => {
    const dlq = deadLetterHeaders(new ContractError('UNKNOWN_ENUM', 'op: nope', 'op'), source, NOW);
    const asBuffers = Object.fromEntries(Object.entries(dlq).map(([k, v]) => [k, Buffer.from(v)]));
    expect(readDeadLetterHeaders(asBuffers)).toEqual({
      code: 'UNKNOWN_ENUM',
      message: 'op: nope',
      field: 'op',
      sourceTopic: 'otklik.comments.v1',
      sourcePartition: 3,
      sourceOffset: '12345',
      at: '2025-01-15T09:30:00.000Z',
    });
    expect(readDeadLetterHeaders({ 'content-type': 'application/json' })).toBeUndefined();
  });

  it('codes are documented, upper snake case, and described in docs/contracts.md', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../../docs/contracts.md', import.meta.url), 'utf8');
    for (const [code, meaning] of Object.entries(DEAD_LETTER_CODES)) {
      expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
      expect(meaning.length).toBeGreaterThan(20);
      expect(doc, code).toContain(`\`${code}\``);
    }
  });
});

describe('a dead letter too large for the broker', () => {
  const LIMIT = 100_000;
  const reason = deadLetterHeaders(new ContractError('BAD_MAGIC_BYTE', 'first byte is 0x7b'), source, NOW);

  it('is kept whole when it fits', () => {
    const record = { key: 'VK:1', value: Buffer.alloc(1000, 1), headers: { ...reason, trace: 'x' } };
    expect(boundDeadLetter(record, LIMIT)).toBe(record);
  });

  it('is written with its value truncated to fit, the reason and original headers kept, the original size and SHA-256 in headers', () => {
    const value = randomBytes(LIMIT + 5_000);
    const record = { key: 'VK:1', value, headers: { ...reason, 'x-producer': 'collector-7' } };
    const bounded = boundDeadLetter(record, LIMIT);
    expect(recordBytes(bounded)).toBeLessThanOrEqual(LIMIT);
    expect(bounded.key).toBe('VK:1');
    expect(bounded.value?.length).toBeGreaterThan(LIMIT - 2_000);
    expect(bounded.value?.equals(value.subarray(0, bounded.value.length))).toBe(true);
    expect(bounded.headers).toMatchObject({
      ...reason,
      'x-producer': 'collector-7',
      [DLQ_TRUNCATED_HEADER]: 'value',
      [DLQ_ORIGINAL_SIZE_HEADER]: String(value.length),
      [DLQ_ORIGINAL_SHA256_HEADER]: createHash('sha256').update(value).digest('hex'),
    });
    expect(readDeadLetterHeaders(bounded.headers)?.truncated).toEqual({
      cut: 'value',
      originalSize: value.length,
      originalSha256: createHash('sha256').update(value).digest('hex'),
    });
  });

  it('drops the original headers and cuts the key when they alone exceed the limit', () => {
    const record = {
      key: Buffer.alloc(LIMIT, 0x6b),
      value: Buffer.alloc(10, 1),
      headers: { ...reason, big: 'h'.repeat(LIMIT) },
    };
    const bounded = boundDeadLetter(record, LIMIT);
    expect(recordBytes(bounded)).toBeLessThanOrEqual(LIMIT);
    expect(bounded.headers.big).toBeUndefined();
    expect(bounded.headers[DLQ_CODE_HEADER]).toBe('BAD_MAGIC_BYTE');
    expect(bounded.headers[DLQ_TRUNCATED_HEADER]).toBe('value,headers,key');
    expect(bounded.headers[DLQ_ORIGINAL_SIZE_HEADER]).toBe('10');
  });

  it('an untruncated dead letter reads back with no truncation', () => {
    expect(readDeadLetterHeaders(reason)?.truncated).toBeUndefined();
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IHeaders, Message, Producer } from 'kafkajs';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import { startApp, type RunningApp } from '../../../../services/runtime/app.js';
import { createPlainProducer } from '../../../../services/adapters/kafka/producer.js';
import {
  decodeClassifiedComment,
  encodeCommentEvent,
  readDeadLetterHeaders,
} from '../../../../services/core/contracts/index.js';
import { isolatedStack } from '../../../support/fixture.js';
import { readTopic } from '../../../support/topic-reader.js';
import { commentEvent } from '../../../support/comments.js';

const dir = mkdtempSync(join(tmpdir(), 'otklik-dlq-'));
const configFile = join(dir, 'otklik.yaml');
writeFileSync(configFile, 'limits:\n  maxTextBytes: 1000\n');
const stack = isolatedStack('dlq', { OTKLIK_CONFIG: configFile });
let app: RunningApp;
let producer: Producer;

beforeAll(async () => {
  app = await startApp(loadConfig(stack.env), stack.logger, { roles: ['worker'] });
  producer = createPlainProducer(stack.kafka);
  await producer.connect();
});
afterAll(async () => {
  await producer?.disconnect();
  await app?.close();
});

const JSON_HEADERS = { 'content-type': 'application/json', 'x-producer': 'collector-7' };
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('bad input on the real broker', () => {
  it('sends each kind of bad message to the DLQ with its code, untouched, and processes every good one around it', async () => {
    const good = commentEvent();
    const avro = encodeCommentEvent(good);
    const bad: { code: string; value: Buffer | null; headers?: IHeaders }[] = [
      { code: 'BAD_MAGIC_BYTE', value: Buffer.from([0x9f, 0x13, 0x77, 0x01, 0xaa, 0x42, 0x00, 0xff]) },
      { code: 'TRUNCATED_AVRO', value: avro.subarray(0, avro.length - 10) },
      {
        code: 'UNKNOWN_SCHEMA_ID',
        value: Buffer.concat([Buffer.from([0, 0, 0, 0x7f, 0x7f]), avro.subarray(5)]),
      },
      { code: 'BAD_MAGIC_BYTE', value: Buffer.concat([Buffer.from([1]), avro.subarray(1)]) },
      { code: 'INVALID_JSON', value: Buffer.from('{"event_id": '), headers: JSON_HEADERS },
      { code: 'SCHEMA_VIOLATION', value: json({ ...good, posted_at: 'yesterday' }), headers: JSON_HEADERS },
      { code: 'MISSING_FIELD', value: json({ event_id: 'x', platform: 'VK' }), headers: JSON_HEADERS },
      { code: 'EMPTY_VALUE', value: Buffer.alloc(0) },
      { code: 'EMPTY_VALUE', value: null },
      { code: 'TEXT_TOO_LONG', value: encodeCommentEvent({ ...good, text: 'я'.repeat(600) }) },
      { code: 'IMPLAUSIBLE_TIME', value: encodeCommentEvent({ ...good, posted_at: 0 }) },
      {
        code: 'IMPLAUSIBLE_TIME',
        value: encodeCommentEvent({ ...good, posted_at: Date.now() + 86_400_000 }),
      },
      { code: 'UNKNOWN_ENUM', value: json({ ...good, op: 'RESTORED' }), headers: JSON_HEADERS },
    ];
    // Every bad message sits between good ones, all on one key so they share a partition and its order.
    const key = `VK:${good.comment_id}`;
    const goods = bad.map((_, i) => commentEvent({ comment_id: `${good.comment_id}-ok${i}` }));
    const messages: Message[] = bad.flatMap((b, i) => [
      { key, value: encodeCommentEvent(goods[i]!) },
      { key, value: b.value, headers: { ...(b.headers ?? {}), 'x-case': String(i) } },
    ]);
    messages.push({
      key,
      value: json(commentEvent({ comment_id: `${good.comment_id}-json` })),
      headers: JSON_HEADERS,
    });
    await producer.send({ topic: stack.env.OTKLIK_TOPIC_COMMENTS as string, messages });

    const dlq = await readTopic(stack.kafka, stack.env.OTKLIK_TOPIC_DLQ as string);
    const classified = await readTopic(stack.kafka, stack.env.OTKLIK_TOPIC_CLASSIFIED as string);
    await dlq.waitFor((m) => m.length >= bad.length);
    await classified.waitFor((m) => m.length >= goods.length + 1);

    const letters = dlq.messages.map((m) => ({ message: m, info: readDeadLetterHeaders(m.headers) }));
    expect(letters.map((l) => l.info?.code)).toEqual(bad.map((b) => b.code));
    letters.forEach(({ message, info }, i) => {
      const original = bad[i]!;
      expect(message.key?.toString()).toBe(key);
      expect(message.value === null ? null : Buffer.from(message.value)).toEqual(
        original.value === null ? null : Buffer.from(original.value),
      );
      expect(message.headers?.['x-case']?.toString()).toBe(String(i));
      if (original.headers) expect(message.headers?.['x-producer']?.toString()).toBe('collector-7');
      expect(info?.message.length).toBeGreaterThan(5);
      expect(info?.sourceTopic).toBe(stack.env.OTKLIK_TOPIC_COMMENTS);
      expect(info?.sourceOffset).toBe(String(2 * i + 1));
      expect(Date.parse(info?.at ?? '')).toBeGreaterThan(Date.now() - 120_000);
    });

    const ids = classified.messages.map((m) => decodeClassifiedComment(m.value as Buffer).comment.comment_id);
    expect(ids.sort()).toEqual([...goods.map((g) => g.comment_id), `${good.comment_id}-json`].sort());
    await dlq.close();
    await classified.close();
  });
});

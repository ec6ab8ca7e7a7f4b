import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import { startApp, type RunningApp } from '../../../../services/runtime/app.js';
import { createPlainProducer } from '../../../../services/adapters/kafka/producer.js';
import { SlaKeys } from '../../../../services/adapters/redis/keys.js';
import { readCounterHash } from '../../../../services/adapters/redis/reader/sla-reader.js';
import {
  decodeClassifiedComment,
  encodeCommentEvent,
  readDeadLetterHeaders,
} from '../../../../services/core/contracts/index.js';
import { isolatedStack } from '../../../support/fixture.js';
import { readTopic } from '../../../support/topic-reader.js';
import { commentEvent } from '../../../support/comments.js';

// Default limits: no config file, as a worker started out of the box.
const stack = isolatedStack('hostile-fields');
let app: RunningApp;
let producer: Producer;
let redis: Redis;

beforeAll(async () => {
  app = await startApp(loadConfig(stack.env), stack.logger, { roles: ['worker'] });
  producer = createPlainProducer(stack.kafka);
  await producer.connect();
  redis = stack.redis();
});
afterAll(async () => {
  redis?.disconnect();
  await producer?.disconnect();
  await app?.close();
});

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('hostile string fields on the real broker and Redis (issue #13)', () => {
  it('dead-letters oversized fields, a forged counter region and an unknown region, and the worker goes on classifying', async () => {
    // Actionable complaints all: before the gate had field limits, each of these opened an SLA.
    const base = commentEvent();
    const bad = [
      // ~60 KB region: an open record past what record.lua can chunk; the consumer used to crash.
      {
        code: 'FIELD_TOO_LONG',
        field: 'region',
        value: encodeCommentEvent({ ...commentEvent(), region: '7'.repeat(60_000) }),
      },
      // ~70 KB url: a packed transition field over 16 bits; the worker used to retry it forever.
      {
        code: 'FIELD_TOO_LONG',
        field: 'url',
        value: encodeCommentEvent({
          ...commentEvent(),
          url: `https://vk.com/wall-1_2?r=${'u'.repeat(70_000)}`,
        }),
      },
      // The same, as JSON.
      {
        code: 'FIELD_TOO_LONG',
        field: 'author.id',
        value: Buffer.from(
          JSON.stringify({ ...commentEvent(), author: { id: 'a'.repeat(300), kind: 'CITIZEN' } }),
        ),
        headers: JSON_HEADERS,
      },
      // A region that would write the counters of a Moscow critical safety comment.
      {
        code: 'INVALID_FIELD',
        field: 'region',
        value: Buffer.from(JSON.stringify({ ...commentEvent(), region: '77|safety_emergency|critical|' })),
        headers: JSON_HEADERS,
      },
      {
        code: 'INVALID_FIELD',
        field: 'region',
        value: encodeCommentEvent({ ...commentEvent(), region: '77|safety_emergency|critical|' }),
      },
      {
        code: 'UNKNOWN_REGION',
        field: 'region',
        value: encodeCommentEvent({ ...commentEvent(), region: '00' }),
      },
      {
        code: 'INVALID_FIELD',
        field: 'thread_id',
        value: encodeCommentEvent({ ...commentEvent(), thread_id: 'post\u001f1' }),
      },
    ];
    const good = commentEvent({ comment_id: `${base.comment_id}-after` });
    // One key: one partition, in this order; the good comment comes after all the bad ones.
    const key = `VK:${base.comment_id}`;
    const messages: Message[] = [
      ...bad.map((b, i) => ({ key, value: b.value, headers: { ...(b.headers ?? {}), 'x-case': String(i) } })),
      { key, value: encodeCommentEvent(good) },
    ];
    await producer.send({ topic: stack.env.OTKLIK_TOPIC_COMMENTS as string, messages });

    const dlq = await readTopic(stack.kafka, stack.env.OTKLIK_TOPIC_DLQ as string);
    const classified = await readTopic(stack.kafka, stack.env.OTKLIK_TOPIC_CLASSIFIED as string);
    await classified.waitFor((m) => m.length >= 1);
    await dlq.waitFor((m) => m.length >= bad.length);

    const letters = dlq.messages.map((m) => ({ message: m, info: readDeadLetterHeaders(m.headers) }));
    expect(letters.map((l) => [l.info?.code, l.info?.field])).toEqual(bad.map((b) => [b.code, b.field]));
    letters.forEach(({ message }, i) => {
      expect(message.headers?.['x-case']?.toString()).toBe(String(i));
      expect(Buffer.from(message.value as Buffer)).toEqual(Buffer.from(bad[i]!.value));
    });
    expect(
      classified.messages.map((m) => decodeClassifiedComment(m.value as Buffer).comment.comment_id),
    ).toEqual([good.comment_id]);
    expect(app.notReady()).toEqual([]);

    // Redis holds the counters of the good comment only: region 54, no field of a forged region.
    const keys = new SlaKeys(stack.env.OTKLIK_KEY_PREFIX as string);
    const fields: string[] = [];
    for (let shard = 0; shard < Number(stack.env.OTKLIK_SHARDS); shard++) {
      fields.push(
        ...Object.keys(await readCounterHash(redis, keys, shard)),
        ...(await redis.hkeys(keys.daily(shard))),
      );
    }
    const counters = fields.filter((f) => !f.startsWith('rt'));
    expect(counters.length).toBeGreaterThan(0);
    for (const field of counters) {
      const parts = field.split('|');
      expect(parts.length, field).toBeLessThanOrEqual(5);
      expect(parts.at(-3), field).toBe('54');
    }
    expect(fields.some((f) => f.includes('|77|'))).toBe(false);
    await dlq.close();
    await classified.close();
  });
});

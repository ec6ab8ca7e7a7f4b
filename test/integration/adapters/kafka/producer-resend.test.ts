/**
 * Our producers never use kafkajs's own retries (docs/faults.md section 3): a failed send is sent again
 * whole, and the caller is told each time (the retry metric and a log line). On the real broker (topic
 * auto-creation off, as in scripts/kafka/kafka.sh and the test container): a send to a topic that does
 * not exist yet fails (UNKNOWN_TOPIC_OR_PARTITION, retriable) until the topic is created; the send then
 * goes through, and every re-send was reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { createReliableProducer } from '../../../../services/adapters/kafka/producer.js';
import { ensureTopics } from '../../../../services/adapters/kafka/topics.js';
import { isolatedStack } from '../../../support/fixture.js';

const stack = isolatedStack('producer-resend');
const topic = stack.env.OTKLIK_TOPIC_COMMENTS as string;
let admin: Admin;

beforeAll(async () => {
  admin = stack.kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin?.disconnect();
});

describe('the reliable producer', () => {
  it('sends a failed batch again whole, reports every re-send, and delivers once the broker accepts', async () => {
    const resends: number[] = [];
    const producer = createReliableProducer(stack.kafka, {
      initialDelayMs: 100,
      maxDelayMs: 400,
      giveUpAfterMs: 30_000,
      onResend: (_err, attempt) => resends.push(attempt),
    });
    await producer.connect();
    try {
      const sent = producer.send({
        topic,
        acks: -1,
        messages: [
          { key: 'a', value: 'first' },
          { key: 'b', value: 'second' },
        ],
      });
      // Let it be refused a few times before the broker can accept it.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(resends.length).toBeGreaterThan(0);
      // As the roles create topics: a new topic briefly unknown to the broker's metadata is waited for.
      await ensureTopics(stack.kafka, [{ topic, numPartitions: 1, replicationFactor: 1 }]);
      await sent;
      expect(resends).toEqual(resends.map((_, i) => i + 1));
      const [offsets] = await admin.fetchTopicOffsets(topic);
      // Refused sends wrote nothing: exactly the two messages are stored.
      expect(Number(offsets?.high)).toBe(2);
    } finally {
      await producer.disconnect();
    }
  }, 60_000);

  it('gives up after giveUpAfterMs and throws the last error', async () => {
    const missing = `${topic}.never-created`;
    const resends: number[] = [];
    const producer = createReliableProducer(stack.kafka, {
      initialDelayMs: 100,
      maxDelayMs: 200,
      giveUpAfterMs: 1_000,
      onResend: (_err, attempt) => resends.push(attempt),
    });
    await producer.connect();
    try {
      await expect(
        producer.send({ topic: missing, acks: -1, messages: [{ value: 'refused' }] }),
      ).rejects.toThrow();
      expect(resends.length).toBeGreaterThan(0);
    } finally {
      await producer.disconnect();
    }
  }, 60_000);

  it('splits a send larger than the broker takes in one record batch, in order', async () => {
    const big = `${topic}.large`;
    await ensureTopics(stack.kafka, [{ topic: big, numPartitions: 1, replicationFactor: 1 }]);
    const producer = createReliableProducer(stack.kafka);
    await producer.connect();
    try {
      // 3 MB to one partition: one record batch of it is over the broker's 1 MiB message.max.bytes.
      const value = 'ж'.repeat(500);
      const messages = Array.from({ length: 3_000 }, (_, i) => ({ key: String(i), value }));
      const metadata = await producer.sendBatch({ acks: -1, topicMessages: [{ topic: big, messages }] });
      expect(metadata.length).toBeGreaterThan(1);
      const [offsets] = await admin.fetchTopicOffsets(big);
      expect(Number(offsets?.high)).toBe(3_000);
      // Stored in the order sent: each part's base offset follows the previous part's messages.
      const bases = metadata.map((m) => Number(m.baseOffset));
      expect(bases).toEqual([...bases].sort((a, b) => a - b));
      expect(bases[0]).toBe(0);
    } finally {
      await producer.disconnect();
      await admin.deleteTopics({ topics: [big] }).catch(() => undefined);
    }
  }, 60_000);
});

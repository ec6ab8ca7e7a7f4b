/**
 * The one consumer loop with a processor that is not the worker: what it promises any role, checked on
 * a real broker. Every message reaches a flush in partition order, a transient failure is retried with
 * fetching paused and nothing skipped, offsets are committed only after a flush, a failure for good
 * stops the consumer (/healthz) with nothing of that group committed, and close drains and closes the
 * processor.
 */
import { KafkaJSError, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTopics } from '../../../services/adapters/kafka/topics.js';
import { BatchedConsumer } from '../../../services/runtime/consumer/batched-consumer.js';
import type { Processor } from '../../../services/runtime/consumer/processor.js';
import { ConsumerStopError } from '../../../services/runtime/errors.js';
import {
  committedOffsets,
  produce,
  sumOf,
  until,
  waitUntilAllCommitted,
} from '../../../tools/harness/kafka.js';
import { isolatedStack } from '../../support/fixture.js';

const PARTITIONS = 3;
const MESSAGES = 3_000;
const stack = isolatedStack('batched-consumer');
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  admin = stack.kafka.admin();
  await admin.connect();
  producer = stack.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

async function topicWithMessages(name: string): Promise<string> {
  const topic = `${stack.env.OTKLIK_TOPIC_COMMENTS}.${name}`;
  await ensureTopics(stack.kafka, [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }]);
  const messages = Array.from({ length: MESSAGES }, (_, i) => ({
    key: `k${i % 97}`,
    value: Buffer.from(String(i)),
  }));
  await produce(producer, topic, messages, { batch: 500 });
  return topic;
}

/** Records what each flush saw; `fail` decides, per flush attempt, whether it throws and what. */
function recordingProcessor(fail: (attempt: number) => Error | undefined) {
  const flushed = new Map<number, number[]>();
  let attempts = 0;
  let started = false;
  let closed = false;
  const processor: Processor<{ offsets: number[] }> = {
    start: async () => {
      started = true;
    },
    close: async () => {
      closed = true;
    },
    prepare: (messages) => ({ offsets: messages.map((m) => Number(m.offset)) }),
    flush: async (group, context) => {
      await context.retry('kafka', async () => {
        const error = fail(++attempts);
        if (error) throw error;
      });
      for (const { prepared, source } of group) {
        const seen = flushed.get(source.partition) ?? [];
        seen.push(...prepared.offsets);
        flushed.set(source.partition, seen);
      }
    },
  };
  return {
    processor,
    flushed,
    attempts: () => attempts,
    started: () => started,
    closed: () => closed,
  };
}

function consumerOf<P>(topic: string, processor: Processor<P>, groupId: string) {
  return new BatchedConsumer({
    kafka: stack.kafka,
    logger: stack.logger,
    name: 'test-role',
    groupId,
    topics: [topic],
    processor,
    chunkSize: 100,
    partitionsConsumedConcurrently: PARTITIONS,
  });
}

describe('BatchedConsumer: the consumer loop any role runs on', () => {
  it('flushes every message once, in partition order, retrying transient failures, and commits after', async () => {
    const topic = await topicWithMessages('ok');
    const groupId = `${stack.env.OTKLIK_GROUP_ID}.ok`;
    // Attempts 2 and 3 fail the way a broker hiccup does (kafkajs marks it retriable).
    const role = recordingProcessor((attempt) =>
      attempt === 2 || attempt === 3 ? new KafkaJSError('leader moved', { retriable: true }) : undefined,
    );
    const consumer = consumerOf(topic, role.processor, groupId);
    expect(consumer.notReady()).toEqual(['test-role has not joined its consumer group']);
    await consumer.start();
    expect(role.started()).toBe(true);
    const committed = await waitUntilAllCommitted(admin, groupId, topic, 60_000);
    expect(sumOf(committed)).toBe(MESSAGES);
    expect(consumer.notReady()).toEqual([]);
    await consumer.close();
    expect(role.closed()).toBe(true);
    expect(consumer.notReady()).toEqual(['test-role stopping']);

    expect(role.attempts()).toBeGreaterThan(3);
    let total = 0;
    for (const [partition, offsets] of role.flushed) {
      // Each partition's offsets exactly once and in order: 0, 1, 2, ... up to its end.
      expect(offsets, `partition ${partition}`).toEqual(offsets.map((_, i) => i));
      expect(offsets.length).toBe(committed.get(partition));
      total += offsets.length;
    }
    expect(total).toBe(MESSAGES);
  });

  it('stops for good on a failure no retry mends: unhealthy, and that group is not committed', async () => {
    const topic = await topicWithMessages('stop');
    const groupId = `${stack.env.OTKLIK_GROUP_ID}.stop`;
    const role = recordingProcessor(() => new ConsumerStopError('the broker refused a dead letter'));
    const consumer = consumerOf(topic, role.processor, groupId);
    await consumer.start();
    await until(
      'the consumer to stop for good',
      async () => (consumer.unhealthy().length > 0 ? true : undefined),
      30_000,
    );
    expect(consumer.unhealthy()[0]).toMatch(/consumer stopped for good: the broker refused a dead letter/);
    expect(consumer.notReady().join()).toMatch(/consumer crashed for good/);
    expect(role.attempts()).toBe(1);
    expect(role.flushed.size).toBe(0);
    expect(sumOf(await committedOffsets(admin, groupId, topic))).toBe(0);
    await consumer.close();
  });
});

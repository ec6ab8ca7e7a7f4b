/**
 * The dlq tool on a partition that holds more than one fetch (kafkajs asks for at most 1 MiB per
 * partition per fetch): 3 MiB of ~100 KB dead letters in one partition are all listed and all replayed,
 * once each. The reader used to never resolve its offsets, fetched the first MiB again and again and
 * ended in a timeout.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deadLetterHeaders } from '../../../../services/core/contracts/index.js';
import { runDlqCli } from '../../../../services/apps/cli/dlq/dlq.js';
import type { DeadLetterView } from '../../../../services/apps/cli/dlq/dead-letters.js';
import { readTopic } from '../../../../services/apps/cli/dlq/read-topic.js';
import { ensureTopics } from '../../../../services/adapters/kafka/topics.js';

const brokers = inject('kafkaBrokers');
const id = randomBytes(4).toString('hex');
const COMMENTS = `test.dlqlarge-${id}.comments`;
const DLQ = `test.dlqlarge-${id}.dlq`;
const TARGET = `test.dlqlarge-${id}.replayed`;
const LETTERS = 32;
const LETTER_BYTES = 100_000;
const kafka = new Kafka({
  brokers: brokers.split(','),
  clientId: `test-dlqlarge-${id}`,
  logLevel: logLevel.NOTHING,
});
const env = {
  ...process.env,
  KAFKA_BROKERS: brokers,
  OTKLIK_TOPIC_COMMENTS: COMMENTS,
  OTKLIK_TOPIC_DLQ: DLQ,
};

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDlqCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function letter(n: number): Message {
  const reason = { code: 'MALFORMED_AVRO' as const, message: `letter ${n} is not Avro` };
  const source = { topic: COMMENTS, partition: 0, offset: String(n) };
  return {
    key: `VK:big-${n}`,
    value: randomBytes(LETTER_BYTES),
    headers: { ...deadLetterHeaders(reason, source, Date.now()) },
    partition: 0,
  };
}

beforeAll(async () => {
  await ensureTopics(kafka, [
    { topic: COMMENTS, numPartitions: 1, replicationFactor: 1 },
    { topic: DLQ, numPartitions: 1, replicationFactor: 1 },
    { topic: TARGET, numPartitions: 1, replicationFactor: 1 },
  ]);
  const producer = kafka.producer();
  await producer.connect();
  // A few letters per send: one record batch must stay under the broker's message.max.bytes.
  for (let n = 0; n < LETTERS; n += 4) {
    await producer.send({
      topic: DLQ,
      messages: Array.from({ length: Math.min(4, LETTERS - n) }, (_, i) => letter(n + i)),
    });
  }
  await producer.disconnect();
}, 120_000);

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [COMMENTS, DLQ, TARGET] }).catch(() => undefined);
  await admin.disconnect();
});

describe('a dead-letter partition of several fetches', () => {
  it('list shows every dead letter once', async () => {
    const { code, out, err } = await cli('list', '--limit', '1000', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const views = JSON.parse(out) as DeadLetterView[];
    expect(views.map((v) => v.key).sort()).toEqual(
      Array.from({ length: LETTERS }, (_, n) => `VK:big-${n}`).sort(),
    );
  });

  it('replay sends every dead letter once, with its bytes', async () => {
    const { code, out } = await cli('replay', '--code', 'MALFORMED_AVRO', '--to', TARGET, '--json');
    expect(code).toBe(0);
    expect((JSON.parse(out) as { replayed: DeadLetterView[] }).replayed).toHaveLength(LETTERS);
    const { records, incompletePartitions } = await readTopic(kafka, TARGET, { timeoutMs: 30_000 });
    expect(incompletePartitions).toEqual([]);
    expect(records.map((r) => r.message.key?.toString()).sort()).toEqual(
      Array.from({ length: LETTERS }, (_, n) => `VK:big-${n}`).sort(),
    );
    const dlq = await readTopic(kafka, DLQ, { timeoutMs: 30_000 });
    for (const r of records) {
      const original = dlq.records.find((d) => d.message.key?.equals(r.message.key!));
      expect(Buffer.compare(r.message.value!, original!.message.value!)).toBe(0);
    }
  });
});

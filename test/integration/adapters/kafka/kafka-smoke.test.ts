// kafkajs 2.2.4 against the real broker the tests run on: the client features Otklik relies on
// (produce, group consume, offset commits, transactions read with read_committed) must work with
// the pinned broker version. See docs/kafka-local.md for why that version.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Kafka, logLevel, type Admin, type Consumer, type KafkaMessage } from 'kafkajs';
import { ensureTopics } from '../../../../services/adapters/kafka/topics.js';

const brokers = process.env.KAFKA_BROKERS ?? inject('kafkaBrokers') ?? '127.0.0.1:9092';
const runId = randomBytes(4).toString('hex');
const kafka = new Kafka({ clientId: `smoke-${runId}`, brokers: [brokers], logLevel: logLevel.NOTHING });

/** Runs a consumer until `wanted` messages arrived, then stops it; fails after `timeoutMs`. */
async function consumeCount(
  consumer: Consumer,
  topic: string,
  wanted: number,
  options: { commitEach?: boolean; timeoutMs?: number } = {},
): Promise<KafkaMessage[]> {
  const seen: KafkaMessage[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`only ${seen.length} of ${wanted} messages from ${topic}`)),
      options.timeoutMs ?? 30_000,
    );
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          seen.push(message);
          if (options.commitEach) {
            const next = (BigInt(message.offset) + 1n).toString();
            await consumer.commitOffsets([{ topic, partition, offset: next }]);
          }
          if (seen.length >= wanted) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  return seen;
}

interface VersionRange {
  min: number;
  max: number;
}

/** The broker's supported version range per API key, from a raw ApiVersions v0 request. */
async function brokerApiVersions(address: string): Promise<Map<number, VersionRange>> {
  const [host = '127.0.0.1', port = '9092'] = address.split(':');
  const clientId = Buffer.from('smoke');
  const request = Buffer.alloc(4 + 10 + clientId.length);
  request.writeInt32BE(request.length - 4, 0);
  request.writeInt16BE(18, 4); // api_key ApiVersions
  request.writeInt16BE(0, 6); // api_version
  request.writeInt32BE(1, 8); // correlation_id
  request.writeInt16BE(clientId.length, 12);
  clientId.copy(request, 14);
  const response = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), host, () => socket.write(request));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      if (all.length >= 4 && all.length >= 4 + all.readInt32BE(0)) {
        socket.end();
        resolve(all);
      }
    });
    socket.on('error', reject);
  });
  expect(response.readInt16BE(8)).toBe(0); // error_code
  const ranges = new Map<number, VersionRange>();
  const count = response.readInt32BE(10);
  for (let i = 0, at = 14; i < count; i++, at += 6) {
    ranges.set(response.readInt16BE(at), {
      min: response.readInt16BE(at + 2),
      max: response.readInt16BE(at + 4),
    });
  }
  return ranges;
}

/** kafkajs sends min(its highest version, the broker's highest): it fails when that is below the broker's lowest. */
function kafkajsApisTheBrokerRejects(broker: Map<number, VersionRange>): string[] {
  // kafkajs publishes no API for its protocol tables; they live in its source files.
  const load = createRequire(import.meta.url);
  const apiKeys = load('kafkajs/src/protocol/requests/apiKeys.js') as Record<string, number>;
  const { requests } = load('kafkajs/src/protocol/requests/index.js') as {
    requests: Record<string, { versions: string[] }>;
  };
  const rejected: string[] = [];
  for (const [name, { versions }] of Object.entries(requests)) {
    const key = apiKeys[name];
    if (versions.length === 0 || key === undefined) continue; // not implemented by kafkajs
    const range = broker.get(key);
    const sent = Math.min(Math.max(...versions.map(Number)), range?.max ?? -1);
    if (!range || sent < range.min) {
      rejected.push(
        `${name}(${key}): kafkajs up to v${Math.max(...versions.map(Number))}, broker ${range ? `v${range.min}..v${range.max}` : 'lacks it'}`,
      );
    }
  }
  return rejected;
}

async function committedOffsets(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<Record<number, string>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
}

describe(`kafkajs smoke test on ${brokers}`, () => {
  let admin: Admin;
  const topic = `smoke.${runId}.events`;
  const txTopic = `smoke.${runId}.tx`;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(kafka, [
      { topic, numPartitions: 2, replicationFactor: 1 },
      { topic: txTopic, numPartitions: 1, replicationFactor: 1 },
    ]);
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic, txTopic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('accepts a version of every API that kafkajs implements', async () => {
    expect(kafkajsApisTheBrokerRejects(await brokerApiVersions(brokers))).toEqual([]);
  });

  it('produces, consumes in a group, commits offsets, and a new member resumes from them', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const keys = ['a', 'b', 'c', 'd'];
    await producer.send({ topic, messages: keys.map((key) => ({ key, value: `v-${key}` })) });

    const groupId = `smoke-${runId}-group`;
    const first = kafka.consumer({ groupId });
    await first.connect();
    const seen = await consumeCount(first, topic, keys.length, { commitEach: true });
    await first.disconnect();
    expect(seen.map((m) => m.key?.toString()).sort()).toEqual(keys);

    const ends = await admin.fetchTopicOffsets(topic);
    const committed = await committedOffsets(admin, groupId, topic);
    for (const { partition, high } of ends) expect(committed[partition]).toBe(high);

    // A later member of the same group gets only what was produced after the commit.
    await producer.send({ topic, messages: [{ key: 'e', value: 'v-e' }] });
    const second = kafka.consumer({ groupId });
    await second.connect();
    const resumed = await consumeCount(second, topic, 1);
    await second.disconnect();
    await producer.disconnect();
    expect(resumed.map((m) => m.key?.toString())).toEqual(['e']);
  });

  it('commits one transaction with its consumer offsets; read_committed skips an aborted one', async () => {
    const producer = kafka.producer({
      transactionalId: `smoke-${runId}-tx`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();

    const aborted = await producer.transaction();
    await aborted.send({ topic: txTopic, messages: [{ key: 'x', value: 'aborted' }] });
    await aborted.abort();

    const groupId = `smoke-${runId}-tx-group`;
    const committed = await producer.transaction();
    await committed.send({ topic: txTopic, messages: [{ key: 'y', value: 'committed' }] });
    await committed.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic, partitions: [{ partition: 0, offset: '1' }] }],
    });
    await committed.commit();
    await producer.disconnect();

    // The commit markers reach __consumer_offsets just after EndTxn returns, and kafkajs's OffsetFetch
    // (v4) cannot ask the broker to wait for them (require_stable came in v7): poll.
    await expect
      .poll(async () => (await committedOffsets(admin, groupId, topic))[0], { timeout: 15_000 })
      .toBe('1');

    const reader = kafka.consumer({ groupId: `smoke-${runId}-reader`, readUncommitted: false });
    await reader.connect();
    const read = await consumeCount(reader, txTopic, 1);
    await reader.disconnect();
    expect(read.map((m) => m.value?.toString())).toEqual(['committed']);
  });
});

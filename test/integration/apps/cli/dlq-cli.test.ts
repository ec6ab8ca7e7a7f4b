/**
 * Every bad-input case on a real broker: a minimal router (what the worker does with the decoder:
 * decode, or dead-letter with the reason and move on) reads one partition where good and bad messages
 * alternate; every bad one lands in the DLQ with its code and its bytes untouched, every good one is
 * decoded. Then the dlq tool lists them and replays a selection back to the input topic.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners, type IHeaders, type KafkaMessage, type Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ContractError,
  createCommentDecoder,
  deadLetterHeaders,
  encodeCommentEvent,
  encodeSlaAlert,
  frameWire,
  withDeadLetterHeaders,
  type CommentEvent,
  type DeadLetterCode,
} from '../../../../services/core/contracts/index.js';
import { runDlqCli } from '../../../../services/apps/cli/dlq/dlq.js';
import type { DeadLetterView } from '../../../../services/apps/cli/dlq/dead-letters.js';
import { readTopic } from '../../../../services/apps/cli/dlq/read-topic.js';
import { commentEvent, slaAlert } from '../../../unit/core/contracts/fixtures.js';
import { ensureTopics } from '../../../../services/adapters/kafka/topics.js';

const brokers = inject('kafkaBrokers');
const id = randomBytes(4).toString('hex');
const COMMENTS = `test.dlqcli-${id}.comments`;
const DLQ = `test.dlqcli-${id}.dlq`;
const kafka = new Kafka({
  brokers: brokers.split(','),
  clientId: `test-dlqcli-${id}`,
  logLevel: logLevel.NOTHING,
});
const env = {
  ...process.env,
  KAFKA_BROKERS: brokers,
  OTKLIK_TOPIC_COMMENTS: COMMENTS,
  OTKLIK_TOPIC_DLQ: DLQ,
};

const JSON_CT = { 'content-type': 'application/json' };

function event(n: number, overrides: Partial<CommentEvent> = {}): CommentEvent {
  return commentEvent({
    event_id: `e-${n}`,
    comment_id: `c-${n}`,
    posted_at: Date.now() - 60_000,
    ...overrides,
  });
}

function json(value: unknown): Buffer {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
}

const avro = (n: number) => encodeCommentEvent(event(n));
const wrongMagic = (() => {
  const b = Buffer.from(avro(4));
  b[0] = 1;
  return b;
})();
const withoutText = (() => {
  const e: Partial<CommentEvent> = event(7);
  delete e.text;
  return e;
})();

/** The bad inputs of the issue, each with the code it must be dead-lettered with. */
const BAD: { label: string; value: Buffer | null; headers?: IHeaders; code: DeadLetterCode }[] = [
  { label: 'random bytes', value: Buffer.from('9f3ac1077e52d0b4e1aa5d', 'hex'), code: 'BAD_MAGIC_BYTE' },
  { label: 'truncated Avro body', value: avro(2).subarray(0, 30), code: 'TRUNCATED_AVRO' },
  { label: 'unknown schema id', value: frameWire(424242, avro(3).subarray(5)), code: 'UNKNOWN_SCHEMA_ID' },
  { label: 'wrong magic byte', value: wrongMagic, code: 'BAD_MAGIC_BYTE' },
  { label: 'invalid JSON', value: json('{"event_id": "e-5",'), headers: JSON_CT, code: 'INVALID_JSON' },
  {
    label: 'JSON violating the schema',
    value: json({ ...event(6), posted_at: 'yesterday' }),
    headers: JSON_CT,
    code: 'SCHEMA_VIOLATION',
  },
  { label: 'missing required field', value: json(withoutText), headers: JSON_CT, code: 'MISSING_FIELD' },
  { label: 'empty value (tombstone)', value: null, code: 'EMPTY_VALUE' },
  { label: 'empty value (0 bytes)', value: Buffer.alloc(0), code: 'EMPTY_VALUE' },
  {
    label: 'text over 64 KiB',
    value: encodeCommentEvent(event(10, { text: 'я'.repeat(40_000) })),
    code: 'TEXT_TOO_LONG',
  },
  {
    label: 'posted_at in seconds',
    value: encodeCommentEvent(event(11, { posted_at: Math.floor(Date.now() / 1000) })),
    code: 'IMPLAUSIBLE_TIME',
  },
  {
    label: 'unknown op',
    value: json({ ...event(12), op: 'RESTORED' }),
    headers: JSON_CT,
    code: 'UNKNOWN_ENUM',
  },
  { label: 'trailing bytes', value: Buffer.concat([avro(13), Buffer.from([1, 2])]), code: 'MALFORMED_AVRO' },
  {
    label: 'an SlaAlert on the comments topic',
    value: encodeSlaAlert(slaAlert()),
    code: 'INCOMPATIBLE_SCHEMA',
  },
  {
    label: 'XML',
    value: json('<comment/>'),
    headers: { 'content-type': 'application/xml' },
    code: 'UNSUPPORTED_CONTENT_TYPE',
  },
  {
    label: 'empty comment_id',
    value: encodeCommentEvent(event(16, { comment_id: '' })),
    code: 'INVALID_FIELD',
  },
];

/** Good messages go between the bad ones: Avro and JSON by turns. */
function goodMessage(n: number): Message {
  return n % 2
    ? { key: `VK:good-${n}`, value: json(event(100 + n)), headers: { ...JSON_CT, 'x-trace': `t-${n}` } }
    : { key: `VK:good-${n}`, value: encodeCommentEvent(event(100 + n)), headers: { 'x-trace': `t-${n}` } };
}

const produced: Message[] = [];
let decodedGood: CommentEvent[] = [];
let dlqRecords: KafkaMessage[] = [];

async function route(): Promise<void> {
  const decode = createCommentDecoder();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `test-dlqcli-router-${id}` });
  await consumer.connect();
  await consumer.subscribe({ topic: COMMENTS, fromBeginning: true });
  let seen = 0;
  const good: CommentEvent[] = [];
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const message of batch.messages) {
          try {
            good.push(decode(message.value, message.headers, Date.now()));
          } catch (err) {
            if (!(err instanceof ContractError)) throw err;
            const source = { topic: batch.topic, partition: batch.partition, offset: message.offset };
            await producer.send({
              topic: DLQ,
              messages: [
                {
                  key: message.key,
                  value: message.value,
                  headers: withDeadLetterHeaders(message.headers, deadLetterHeaders(err, source, Date.now())),
                },
              ],
            });
          }
          resolveOffset(message.offset);
          await heartbeat();
          if (++seen === produced.length) resolve();
        }
      },
    });
  });
  await done;
  await consumer.disconnect();
  await producer.disconnect();
  decodedGood = good;
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDlqCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  await ensureTopics(kafka, [
    { topic: COMMENTS, numPartitions: 3, replicationFactor: 1 },
    { topic: DLQ, numPartitions: 2, replicationFactor: 1 },
  ]);

  BAD.forEach((bad, i) => {
    produced.push(goodMessage(i));
    produced.push({ key: `VK:bad-${i}`, value: bad.value, headers: { ...bad.headers, 'x-case': bad.label } });
  });
  produced.push(goodMessage(BAD.length));
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  // One partition, so "the good messages around it" are around it in the log too.
  await producer.send({ topic: COMMENTS, messages: produced.map((m) => ({ ...m, partition: 0 })) });
  await producer.disconnect();
  await route();
  dlqRecords = (await readTopic(kafka, DLQ)).records.map((r) => r.message);
}, 120_000);

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [COMMENTS, DLQ] }).catch(() => undefined);
  await admin.disconnect();
});

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : String(Array.isArray(value) ? value[value.length - 1] : value);
}

describe('bad input on a real broker', () => {
  it('every good message around the bad ones is decoded', () => {
    expect(decodedGood.map((e) => e.event_id)).toEqual(
      Array.from({ length: BAD.length + 1 }, (_, n) => `e-${100 + n}`),
    );
  });

  it('every bad message lands in the DLQ once, with its code, source position and original bytes', () => {
    expect(dlqRecords).toHaveLength(BAD.length);
    BAD.forEach((bad, i) => {
      const record = dlqRecords.find((r) => r.key?.toString() === `VK:bad-${i}`);
      expect(record, bad.label).toBeDefined();
      expect(headerText(record!.headers, 'otklik.dlq.code'), bad.label).toBe(bad.code);
      expect(headerText(record!.headers, 'otklik.dlq.source.topic')).toBe(COMMENTS);
      expect(headerText(record!.headers, 'otklik.dlq.source.partition')).toBe('0');
      expect(headerText(record!.headers, 'otklik.dlq.source.offset')).toBe(String(2 * i + 1));
      expect(Date.parse(headerText(record!.headers, 'otklik.dlq.at')!)).toBeGreaterThan(Date.now() - 120_000);
      expect(headerText(record!.headers, 'x-case')).toBe(bad.label);
      if (bad.value === null) expect(record!.value).toBeNull();
      else expect(Buffer.compare(record!.value ?? Buffer.alloc(0), bad.value), bad.label).toBe(0);
    });
  });
});

describe('npm run dlq', () => {
  it('list shows the most recent dead letters with their reasons', async () => {
    const { code, out } = await cli('list', '--limit', '100', '--json');
    expect(code).toBe(0);
    const views = JSON.parse(out) as DeadLetterView[];
    expect(views).toHaveLength(BAD.length);
    expect(views.map((v) => v.code).sort()).toEqual(BAD.map((b) => b.code).sort());
    const tooLong = views.find((v) => v.code === 'TEXT_TOO_LONG')!;
    expect(tooLong).toMatchObject({
      sourceTopic: COMMENTS,
      sourcePartition: 0,
      field: 'text',
      key: 'VK:bad-9',
    });
    expect(tooLong.message).toMatch(/80000 bytes of UTF-8, over the limit of 65536/);

    const table = await cli('list', '--limit', '3', '--code', 'EMPTY_VALUE', '--code', 'INVALID_JSON');
    expect(table.out.split('\n')).toHaveLength(4);
    expect(table.out).toMatch(/^AT +CODE +SOURCE +KEY +DLQ +REASON/);
    expect(table.out).toContain(`${COMMENTS}/0@9`);
    expect(table.out).not.toContain('TEXT_TOO_LONG');
  });

  it('replay sends the selected ones back with the original key, value and headers, minus the dlq headers', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const before = await admin.fetchTopicOffsets(COMMENTS);
    await admin.disconnect();

    const dry = await cli('replay', '--code', 'IMPLAUSIBLE_TIME', '--dry-run');
    expect(dry.out).toMatch(/would replay 1 dead letter/);

    const { code, out } = await cli(
      'replay',
      '--code',
      'IMPLAUSIBLE_TIME',
      '--code',
      'MISSING_FIELD',
      '--code',
      'EMPTY_VALUE',
      '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(out) as { target: string; replayed: DeadLetterView[] };
    expect(result.target).toBe(COMMENTS);
    expect(result.replayed.map((v) => v.code).sort()).toEqual([
      'EMPTY_VALUE',
      'EMPTY_VALUE',
      'IMPLAUSIBLE_TIME',
      'MISSING_FIELD',
    ]);

    const bySource = await cli('replay', '--source-offset', `${COMMENTS}:0:${2 * 4 + 1}`);
    expect(bySource.out).toMatch(/replayed 1 dead letter/);

    const { records } = await readTopic(kafka, COMMENTS);
    const start = new Map(before.map((p) => [p.partition, BigInt(p.offset)]));
    const replayed = records
      .filter((r) => BigInt(r.message.offset) >= start.get(r.partition)!)
      .map((r) => r.message);
    expect(replayed).toHaveLength(5);
    for (const label of [
      'posted_at in seconds',
      'missing required field',
      'empty value (tombstone)',
      'empty value (0 bytes)',
      'invalid JSON',
    ]) {
      const i = BAD.findIndex((b) => b.label === label);
      const original = produced[2 * i + 1]!;
      const copy = replayed.find((m) => m.key?.toString() === original.key);
      expect(copy, label).toBeDefined();
      expect(copy!.value === null ? null : Buffer.from(copy!.value)).toEqual(
        original.value === null ? null : Buffer.from(original.value as Buffer),
      );
      const headers = Object.fromEntries(Object.entries(copy!.headers ?? {}).map(([k, v]) => [k, String(v)]));
      expect(headers).toEqual(
        Object.fromEntries(Object.entries(original.headers ?? {}).map(([k, v]) => [k, String(v)])),
      );
    }
  });

  it('refuses a replay without selector, and bad positions', async () => {
    expect((await cli('replay')).code).toBe(2);
    const bad = await cli('replay', '--dlq-offset', '17');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/PARTITION:OFFSET/);
  });

  it('runs as `npm run dlq` from the shell', async () => {
    const { stdout } = await promisify(execFile)(
      'npm',
      ['run', '--silent', 'dlq', '--', 'list', '--code', 'UNKNOWN_ENUM'],
      {
        env,
        cwd: `${import.meta.dirname}/../../../..`,
      },
    );
    expect(stdout).toMatch(
      /UNKNOWN_ENUM +.*VK:bad-11 .*op: "RESTORED" is not one of POSTED, EDITED, DELETED/,
    );
  });
});

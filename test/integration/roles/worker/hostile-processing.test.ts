/**
 * One hostile message must never stop a worker (issue #13, item 2), on the real broker and Redis:
 * a message whose processing fails for good is dead-lettered PROCESSING_FAILED and the partition moves
 * on; a dead letter too large for the broker is written truncated; /readyz and its metric tell when
 * fetching has been paused too long (on a private redis-server: the shared one is never stopped).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message, Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import { startApp, type RunningApp } from '../../../../services/runtime/app.js';
import { startHttpServer } from '../../../../services/runtime/observability/http-server.js';
import { createPlainProducer } from '../../../../services/adapters/kafka/producer.js';
import {
  decodeClassifiedComment,
  DLQ_ORIGINAL_SHA256_HEADER,
  DLQ_ORIGINAL_SIZE_HEADER,
  DLQ_TRUNCATED_HEADER,
  encodeCommentEvent,
  readDeadLetterHeaders,
} from '../../../../services/core/contracts/index.js';
import { runDlqCli } from '../../../../services/apps/cli/dlq/dlq.js';
import { isolatedStack } from '../../../support/fixture.js';
import { commentEvent } from '../../../support/comments.js';
import { readTopic } from '../../../support/topic-reader.js';
import { readTotals } from '../../../../tools/harness/outcome.js';
import { until, waitUntilAllCommitted } from '../../../../tools/harness/kafka.js';
import { startOwnRedis, type OwnRedis } from '../../../../tools/harness/redis-server.js';
import { ensureTopics } from '../../../../services/adapters/kafka/topics.js';

let app: RunningApp | undefined;
let producer: Producer | undefined;
let server: Server | undefined;
let ownRedis: OwnRedis | undefined;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close().catch(() => undefined);
  server?.close();
  await producer?.disconnect();
  await app?.close();
  await ownRedis?.dispose();
  app = producer = server = ownRedis = undefined;
});

async function start(
  label: string,
  env: Record<string, string> = {},
  /** Topic-level max.message.bytes, to make the broker refuse what it would take by default. */
  maxMessageBytes: { classified?: number; dlq?: number } = {},
) {
  const stack = isolatedStack(label, { OTKLIK_TOPIC_PARTITIONS: '1', ...env });
  const limited = (
    [
      [stack.env.OTKLIK_TOPIC_CLASSIFIED, maxMessageBytes.classified],
      [stack.env.OTKLIK_TOPIC_DLQ, maxMessageBytes.dlq],
    ] as const
  ).filter(([, bytes]) => bytes !== undefined);
  if (limited.length > 0) {
    await ensureTopics(
      stack.kafka,
      limited.map(([topic, bytes]) => ({
        topic: topic as string,
        numPartitions: 1,
        replicationFactor: 1,
        configEntries: [{ name: 'max.message.bytes', value: String(bytes) }],
      })),
    );
  }
  app = await startApp(loadConfig(stack.env), stack.logger, { roles: ['worker'] });
  producer = createPlainProducer(stack.kafka);
  await producer.connect();
  const topics = {
    comments: stack.env.OTKLIK_TOPIC_COMMENTS as string,
    classified: stack.env.OTKLIK_TOPIC_CLASSIFIED as string,
    dlq: stack.env.OTKLIK_TOPIC_DLQ as string,
  };
  const classified = await readTopic(stack.kafka, topics.classified);
  const dlq = await readTopic(stack.kafka, topics.dlq);
  closers.push(
    () => classified.close(),
    () => dlq.close(),
  );
  const send = (messages: Message[]) => (producer as Producer).send({ topic: topics.comments, messages });
  const classifiedIds = () =>
    classified.messages.map((m) => decodeClassifiedComment(m.value as Buffer).comment.comment_id).sort();
  return { stack, topics, classified, dlq, send, classifiedIds };
}

describe('a message whose processing fails for good', () => {
  it('is dead-lettered PROCESSING_FAILED (a region too large for the transition format, one too large for the Redis record), nothing else of its group is lost or counted twice, and the next message is processed', async () => {
    const w = await start('poison');
    const key = `VK:poison-${randomBytes(3).toString('hex')}`;
    const good = [1, 2, 3].map((i) => commentEvent({ comment_id: `good-${i}` }));
    // Over 64 KiB: transition-packing.ts throws a RangeError (it was retried forever, topic paused).
    const packingFails = commentEvent({ comment_id: 'region-70k', region: 'r'.repeat(70_000) });
    // ~60 KB: record.lua cannot chunk it, a Redis script error (it crashed the consumer for good).
    const scriptFails = commentEvent({ comment_id: 'region-60k', region: 'r'.repeat(60_000) });
    await w.send(
      [good[0], packingFails, good[1], scriptFails, good[2]].map((event) => ({
        key,
        value: encodeCommentEvent(event!),
      })),
    );

    await w.dlq.waitFor((m) => m.length >= 2, 60_000);
    await w.classified.waitFor((m) => m.length >= 3, 60_000);
    await waitUntilAllCommitted(
      (await openAdmin(w.stack.kafka)).admin,
      w.stack.env.OTKLIK_GROUP_ID as string,
      w.topics.comments,
      30_000,
    );
    const letters = w.dlq.messages.map((m) => readDeadLetterHeaders(m.headers));
    // When the gate of #13 item 1 lands, these regions are refused there (FIELD_TOO_LONG or
    // UNKNOWN_REGION) before processing: still dead-lettered, the partition still moving on.
    for (const letter of letters)
      expect(['PROCESSING_FAILED', 'FIELD_TOO_LONG', 'UNKNOWN_REGION']).toContain(letter?.code);
    expect(letters.map((l) => l?.sourceOffset)).toEqual(['1', '3']);
    if (letters[0]?.code === 'PROCESSING_FAILED') {
      expect(letters[0]?.message).toMatch(/RangeError: transition field of \d+ bytes/);
      expect(letters[1]?.message).toMatch(/Redis refused/);
    }
    // The dead letters carry the original bytes; the classified topic only the good comments.
    expect(w.dlq.messages[0]?.value?.equals(encodeCommentEvent(packingFails))).toBe(true);
    expect(w.classifiedIds()).toEqual(good.map((g) => g.comment_id).sort());
    // Each good comment counted once in Redis although its group was applied again in halves.
    const redis = w.stack.redis();
    closers.push(async () => redis.disconnect());
    const totals = await readTotals(redis, w.stack.env);
    expect(totals.opened).toBe(3);
    expect(totals.open).toBe(3);
    expect(app?.notReady()).toEqual([]);
    expect(app?.unhealthy()).toEqual([]);
  });
});

async function openAdmin(kafka: ReturnType<typeof isolatedStack>['kafka']) {
  const admin = kafka.admin();
  await admin.connect();
  closers.push(() => admin.disconnect());
  return { admin };
}

describe('an output the broker refuses for good', () => {
  it("a classified output over the topic's max.message.bytes (MESSAGE_TOO_LARGE) is found in its group and replaced by its input's dead letter; the rest of the group is published", async () => {
    const w = await start('refused-output', {}, { classified: 12_000 });
    const key = `VK:refused-${randomBytes(3).toString('hex')}`;
    const good = [1, 2, 3, 4].map((i) => commentEvent({ comment_id: `good-${i}` }));
    const long = commentEvent({ comment_id: 'long', text: 'Нет горячей воды в доме. '.repeat(800) });
    await w.send(
      [good[0], good[1], long, good[2], good[3]].map((event) => ({ key, value: encodeCommentEvent(event!) })),
    );
    await w.dlq.waitFor((m) => m.length >= 1, 60_000);
    await w.classified.waitFor((m) => m.length >= 4, 60_000);
    const [letter] = w.dlq.messages.map((m) => readDeadLetterHeaders(m.headers));
    expect(letter?.code).toBe('PROCESSING_FAILED');
    expect(letter?.sourceOffset).toBe('2');
    expect(letter?.message).toMatch(/classified output refused by the broker/);
    expect(w.dlq.messages).toHaveLength(1);
    expect(new Set(w.classifiedIds())).toEqual(new Set(good.map((g) => g.comment_id)));
    expect(app?.notReady()).toEqual([]);
  });

  it('a dead letter refused even cut to 16 KiB stops the consumer for good: nothing committed, /readyz says consumer_crashed and /healthz fails so the process is restarted', async () => {
    const w = await start('refused-dlq', {}, { dlq: 8_000 });
    await w.send([{ key: 'VK:x', value: Buffer.concat([Buffer.from([7]), randomBytes(30_000)]) }]);
    await until(
      'the consumer to stop for good',
      async () => (app?.unhealthy().length ? true : undefined),
      60_000,
    );
    expect(app?.unhealthy().join('\n')).toMatch(
      /consumer stopped for good: the broker refused a dead letter/,
    );
    expect(app?.notReady().join('\n')).toMatch(/consumer crashed for good/);
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      registry: (app as RunningApp).metrics.registry,
      health: app as RunningApp,
      logger: w.stack.logger,
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(
      /otklik_worker_not_ready\{reason="consumer_crashed"\} 1/,
    );
    const { admin } = await openAdmin(w.stack.kafka);
    const committed = await admin.fetchOffsets({
      groupId: w.stack.env.OTKLIK_GROUP_ID as string,
      topics: [w.topics.comments],
    });
    expect(committed[0]?.partitions[0]?.offset).toBe('-1');
  });
});

describe('a dead letter larger than the broker takes', () => {
  it('a 1 MB undecodable value is dead-lettered truncated with its size and SHA-256, the next message is processed, and the dlq tool refuses to replay it', async () => {
    const w = await start('huge-dlq');
    // As large as the broker takes an input record (message.max.bytes 1,048,588 by default, record
    // framing included): with the dead-letter headers on top, the old worker retried its send forever.
    const value = randomBytes(1_048_400);
    value[0] = 0x01; // not the wire format's magic byte
    const next = commentEvent({ comment_id: 'after-the-huge-one' });
    await w.send([
      { key: 'VK:huge', value, headers: { 'x-producer': 'collector-7' } },
      { key: 'VK:huge', value: encodeCommentEvent(next) },
    ]);
    await w.classified.waitFor((m) => m.length >= 1, 60_000);
    await w.dlq.waitFor((m) => m.length >= 1, 30_000);
    expect(w.classifiedIds()).toEqual([next.comment_id]);
    const [letter] = w.dlq.messages;
    const info = readDeadLetterHeaders(letter?.headers);
    expect(info?.code).toBe('BAD_MAGIC_BYTE');
    expect(letter?.headers?.[DLQ_TRUNCATED_HEADER]?.toString()).toBe('value');
    expect(letter?.headers?.[DLQ_ORIGINAL_SIZE_HEADER]?.toString()).toBe('1048400');
    expect(letter?.headers?.[DLQ_ORIGINAL_SHA256_HEADER]?.toString()).toBe(
      createHash('sha256').update(value).digest('hex'),
    );
    expect(letter?.headers?.['x-producer']?.toString()).toBe('collector-7');
    const kept = letter?.value as Buffer;
    expect(kept.length).toBeLessThan(1_000_000);
    expect(kept.length).toBeGreaterThan(990_000);
    expect(kept.equals(value.subarray(0, kept.length))).toBe(true);

    const out: string[] = [];
    const err: string[] = [];
    const code = await runDlqCli(['replay', '--code', 'BAD_MAGIC_BYTE'], {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env: { ...process.env, ...w.stack.env, LOG_LEVEL: 'silent' },
    });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(
      /was written truncated .*original value 1048400 bytes.*cannot be replayed/,
    );
    expect(err.join('\n')).toMatch(/refusing to replay/);
    expect(out.join('\n')).not.toMatch(/replayed/);
  });
});

describe('readiness while fetching is paused', () => {
  it('/readyz fails with reason paused_too_long (and the metric says so) while Redis is down longer than OTKLIK_READY_MAX_PAUSE_MS, and is ready again after', async () => {
    const redis = (ownRedis = await startOwnRedis({ persistent: true }));
    const w = await start('paused', { REDIS_URL: redis.url, OTKLIK_READY_MAX_PAUSE_MS: '2000' });
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      registry: (app as RunningApp).metrics.registry,
      health: app as RunningApp,
      logger: w.stack.logger,
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const readyz = async () => {
      const res = await fetch(`${base}/readyz`);
      return { status: res.status, body: (await res.json()) as { waiting: string[] } };
    };
    const pausedMetric = async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return /otklik_worker_not_ready\{reason="paused_too_long"\} (\d)/.exec(text)?.[1];
    };

    await w.send([{ key: 'VK:a', value: encodeCommentEvent(commentEvent({ comment_id: 'before' })) }]);
    await w.classified.waitFor((m) => m.length >= 1, 60_000);
    await until('ready', async () => ((await readyz()).status === 200 ? true : undefined), 30_000);
    expect(await pausedMetric()).toBe('0');

    await redis.shutDown();
    await w.send([{ key: 'VK:a', value: encodeCommentEvent(commentEvent({ comment_id: 'during' })) }]);
    const notReady = await until(
      'readyz to say paused too long',
      async () => {
        const r = await readyz();
        return r.status === 503 && r.body.waiting.some((l) => /fetching paused for \d+ s/.test(l))
          ? r
          : undefined;
      },
      30_000,
    );
    expect(notReady.body.waiting.join('\n')).toMatch(/Redis or the broker failing/);
    expect(await pausedMetric()).toBe('1');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    await redis.start();
    await w.classified.waitFor((m) => m.length >= 2, 60_000);
    await until('ready again', async () => ((await readyz()).status === 200 ? true : undefined), 30_000);
    expect(await pausedMetric()).toBe('0');
    const client = new Redis(redis.url);
    closers.push(async () => client.disconnect());
    expect((await readTotals(client, w.stack.env)).opened).toBe(2);
    // Redis failing is nobody's fault: nothing was dead-lettered.
    expect(w.dlq.messages).toHaveLength(0);
  });
});

/**
 * Our own readers in registry mode. The worker and the sweeper write the ids the registry gave our
 * schemas (Apicurio hands out content ids from 1, so they name other records in the carried catalogue:
 * ClassifiedComment v2 there is id 4, in the registry SlaAlert may be). The ops board's alert feed and
 * the analytics sink read those outputs through the registry (runtime/schema-readers.ts): every alert is
 * on the board, every classified comment and alert is a row, nothing rejected or skipped. And a board
 * whose registry does not answer holds its feed back until it does, then shows every alert.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsDb } from '../../../services/adapters/duckdb/analytics-db.js';
import { createPlainProducer } from '../../../services/adapters/kafka/producer.js';
import { loadOpsConfig } from '../../../services/apps/ops/config.js';
import { startOps, type RunningOps } from '../../../services/apps/ops/main.js';
import type { AlertView } from '../../../services/apps/ops/alert-feed.js';
import { AnalyticsSink } from '../../../services/roles/analytics/analytics-sink.js';
import { startApp, type RunningApp } from '../../../services/runtime/app.js';
import { loadConfig } from '../../../services/runtime/config/load.js';
import { BatchedConsumer } from '../../../services/runtime/consumer/batched-consumer.js';
import { contractReadersOf } from '../../../services/runtime/schema-readers.js';
import { startRegistryMode } from '../../../services/runtime/schema-registry.js';
import type { ContractCodecs } from '../../../services/core/contracts/index.js';
import { waitUntilAllCommitted } from '../../../tools/harness/kafka.js';
import { commentEvent } from '../../support/comments.js';
import { isolatedStack } from '../../support/fixture.js';
import { registryUrl } from '../../support/registry.js';
import { readTopic } from '../../support/topic-reader.js';
import { startTcpProxy } from '../../../tools/harness/tcp-proxy.js';

const COMMENTS = 6;
const stack = isolatedStack('registry-readers', { SCHEMA_REGISTRY_URL: registryUrl() });
const topic = (name: string) => stack.env[name] as string;
const dir = mkdtempSync(join(tmpdir(), 'otklik-registry-readers-'));
let app: RunningApp | undefined;
let ops: RunningOps | undefined;
let sink: BatchedConsumer<unknown> | undefined;
let producer: Producer;
let admin: Admin;
let writers: ContractCodecs;
/** The alert ids the first test saw on the topic. */
let alertIds: string[] = [];

beforeAll(async () => {
  app = await startApp(loadConfig(stack.env), stack.logger, { roles: ['worker', 'sweeper'] });
  // A producer in registry mode (as `otklik produce` and the demo are): the registry's CommentEvent id.
  const mode = await startRegistryMode(loadConfig(stack.env).env, stack.logger);
  if (!mode) throw new Error('registry mode did not start');
  writers = mode.codecs;
  producer = createPlainProducer(stack.kafka);
  await producer.connect();
  admin = stack.kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await sink?.close();
  await ops?.close();
  await producer?.disconnect();
  await admin?.disconnect();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `messages` once no new one has arrived for a second and a half. */
async function settled<T>(messages: T[]): Promise<T[]> {
  for (let seen = -1; seen !== messages.length;) {
    seen = messages.length;
    await new Promise((r) => setTimeout(r, 1_500));
  }
  return [...messages];
}

describe('readers of our topics in registry mode', () => {
  it("the board's alert feed and the analytics sink read every output the worker and sweeper wrote", async () => {
    const classified = await readTopic(stack.kafka, topic('OTKLIK_TOPIC_CLASSIFIED'));
    const alerts = await readTopic(stack.kafka, topic('OTKLIK_TOPIC_ALERTS'));
    const dlq = await readTopic(stack.kafka, topic('OTKLIK_TOPIC_DLQ'));
    // Posted 30 h ago: overdue under the default policy, so the sweeper alerts each at once.
    const events = Array.from({ length: COMMENTS }, () =>
      commentEvent({ posted_at: Date.now() - 30 * 3_600_000 }),
    );
    await producer.send({
      topic: topic('OTKLIK_TOPIC_COMMENTS'),
      messages: events.map((e) => ({ key: `VK:${e.comment_id}`, value: writers.commentEvent.encode(e) })),
    });
    const outputs = await classified.waitFor((m) => m.length >= COMMENTS);
    await alerts.waitFor((m) => new Set(m.map((a) => a.key?.toString())).size >= COMMENTS);
    // Overdue escalations follow the BREACH one after another (maxLevel 3): wait until none comes.
    const alerted = await settled(alerts.messages);
    expect(dlq.messages).toEqual([]);
    // The roles wrote the registry's ids.
    expect(new Set(outputs.map((m) => (m.value as Buffer).readUInt32BE(1)))).toEqual(
      new Set([writers.classifiedComment.current.id]),
    );
    expect(new Set(alerted.map((m) => (m.value as Buffer).readUInt32BE(1)))).toEqual(
      new Set([writers.slaAlert.current.id]),
    );
    alertIds = [...new Set(alerted.map((m) => writers.slaAlert.decode(m.value as Buffer).alert_id))];

    // The ops board, as `npm run ops` starts it (registry mode from the same environment).
    ops = await startOps(
      loadOpsConfig({ ...stack.env, OPS_HTTP_PORT: '0', OPS_ALERT_HISTORY: '1000' }),
      stack.logger,
    );
    await expect
      .poll(
        async () => {
          const shown = (await (await fetch(`${ops?.url}/api/alerts`)).json()) as AlertView[];
          return shown.map((a) => a.alert_id).sort();
        },
        { timeout: 15_000, interval: 200 },
      )
      .toEqual([...alertIds].sort());

    // The analytics sink over both topics, with the readers `npm run analytics` gives it.
    const db = await AnalyticsDb.open(join(dir, 'analytics.duckdb'));
    const group = `${topic('OTKLIK_GROUP_ID')}-analytics`;
    const topics = { classified: topic('OTKLIK_TOPIC_CLASSIFIED'), alerts: topic('OTKLIK_TOPIC_ALERTS') };
    sink = new BatchedConsumer({
      kafka: stack.kafka,
      logger: stack.logger,
      name: 'analytics',
      groupId: group,
      topics: [topics.classified, topics.alerts],
      processor: new AnalyticsSink(db, topics, contractReadersOf(loadConfig(stack.env).env)),
    }) as BatchedConsumer<unknown>;
    await sink.start();
    await waitUntilAllCommitted(admin, group, topics.classified, 20_000);
    await waitUntilAllCommitted(admin, group, topics.alerts, 20_000);
    const rows = async (sql: string) => (await db.connection.runAndReadAll(sql)).getRowObjectsJson();
    expect(await rows('SELECT reason FROM rejected')).toEqual([]);
    expect((await rows('SELECT event_id FROM events')).map((r) => r.event_id).sort()).toEqual(
      events.map((e) => e.event_id).sort(),
    );
    expect((await rows('SELECT alert_id FROM alerts')).map((r) => r.alert_id).sort()).toEqual(
      [...alertIds].sort(),
    );
    await Promise.all([classified.close(), alerts.close(), dlq.close()]);
  });
  it("the board's feed waits for a registry that does not answer, then shows every alert: none skipped", async () => {
    expect(alertIds.length).toBeGreaterThan(0);
    const proxy = await startTcpProxy(new URL(registryUrl()));
    await proxy.down();
    const board = await startOps(
      loadOpsConfig({
        ...stack.env,
        SCHEMA_REGISTRY_URL: proxy.url,
        SCHEMA_REGISTRY_TIMEOUT_MS: '1000',
        OPS_HTTP_PORT: '0',
        OPS_ALERT_HISTORY: '1000',
      }),
      stack.logger,
    );
    try {
      const shown = async () =>
        ((await (await fetch(`${board.url}/api/alerts`)).json()) as AlertView[])
          .map((a) => a.alert_id)
          .sort();
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await shown()).toEqual([]);
      await proxy.up();
      await expect.poll(shown, { timeout: 15_000, interval: 200 }).toEqual([...alertIds].sort());
    } finally {
      await board.close();
      await proxy.down();
    }
  });
});

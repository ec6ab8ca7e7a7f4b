/**
 * The analytics sink as a process, SIGKILLed mid-ingest and started again: every classified comment and
 * alert is in the DuckDB store exactly once, and the offsets stored with them end where the topics end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsDb } from '../../../../services/adapters/duckdb/analytics-db.js';
import { createReliableProducer } from '../../../../services/adapters/kafka/producer.js';
import { encodeClassifiedComment, encodeSlaAlert } from '../../../../services/core/contracts/index.js';
import { launchRole, type RoleProcess } from '../../../../services/runtime/launch.js';
import {
  committedOffsets,
  createTestTopics,
  endOffsets,
  produce,
  sumOf,
  until,
  waitUntilAllCommitted,
} from '../../../../tools/harness/kafka.js';
import { isolatedStack } from '../../../support/fixture.js';
import { classifiedComment, commentEvent, slaAlert } from '../../../unit/core/contracts/fixtures.js';

const COMMENTS = 6_000;
const ALERTS = 600;
const stack = isolatedStack('analytics-sink');
const dir = mkdtempSync(join(tmpdir(), 'otklik-analytics-'));
const dbFile = join(dir, 'analytics.duckdb');
let admin: Admin;
let producer: Producer;
let sink: RoleProcess | undefined;

beforeAll(async () => {
  await createTestTopics(stack.kafka, stack.env);
  admin = stack.kafka.admin();
  await admin.connect();
  producer = createReliableProducer(stack.kafka);
  await producer.connect();
});
afterAll(async () => {
  await sink?.kill();
  await producer.disconnect();
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe('analytics sink', () => {
  it('is exact after a SIGKILL mid-ingest: every row once, offsets stored with the rows', async () => {
    const classified = stack.env.OTKLIK_TOPIC_CLASSIFIED as string;
    const alerts = stack.env.OTKLIK_TOPIC_ALERTS as string;
    await produce(
      producer,
      classified,
      Array.from({ length: COMMENTS }, (_, i) => {
        const comment = commentEvent({
          event_id: `e${i}`,
          comment_id: String(i),
          region: String(10 + (i % 50)),
        });
        return {
          key: `VK:${i}`,
          value: encodeClassifiedComment(classifiedComment({ key: `VK:${i}`, comment })),
        };
      }),
      { batch: 1_000 },
    );
    await produce(
      producer,
      alerts,
      Array.from({ length: ALERTS }, (_, i) => ({
        key: `VK:${i}`,
        value: encodeSlaAlert(
          slaAlert({ alert_id: `VK:${i}:BREACH:0`, comment_key: `VK:${i}`, kind: 'BREACH' }),
        ),
      })),
      { batch: 1_000 },
    );
    const group = `${stack.env.OTKLIK_GROUP_ID}-analytics`;
    const env = {
      ...stack.env,
      OTKLIK_ANALYTICS_DB: dbFile,
      OTKLIK_ANALYTICS_GROUP_ID: group,
      // Small transactions, so that the kill lands between two of them (the sink's own default is 20,000).
      OTKLIK_ANALYTICS_CHUNK_SIZE: '250',
      OTKLIK_ANALYTICS_FETCH_MB: '1',
      OTKLIK_PARTITIONS_CONCURRENCY: '3',
      // The killed member's partitions move after 6 s (the broker's minimum) instead of 30.
      OTKLIK_CONSUMER_SESSION_TIMEOUT_MS: '6000',
    };
    sink = launchRole({ name: 'analytics', script: 'services/apps/analytics/main.ts', env });
    const progress = async () => sumOf(await committedOffsets(admin, group, classified));
    await until(
      'the sink to commit its first groups',
      async () => ((await progress()) > 0 ? true : undefined),
      60_000,
    );
    const killedAt = await progress();
    await sink.kill();
    expect(killedAt, 'killed mid-ingest').toBeLessThan(COMMENTS);

    sink.restart();
    await waitUntilAllCommitted(admin, group, classified, 90_000);
    await waitUntilAllCommitted(admin, group, alerts, 30_000);
    const exit = await sink.stop();
    expect(exit.code, sink.output()).toBe(0);

    const db = await AnalyticsDb.open(dbFile);
    try {
      const count = async (sql: string) => (await db.connection.runAndReadAll(sql)).getRowObjectsJson()[0]?.n;
      expect(await count('SELECT count(*) AS n FROM events')).toBe(String(COMMENTS));
      expect(await count('SELECT count(DISTINCT event_id) AS n FROM events')).toBe(String(COMMENTS));
      // The newest-version table merged in the same transactions: one row per comment.
      expect(await count('SELECT count(*) AS n FROM comments')).toBe(String(COMMENTS));
      expect(await count('SELECT count(*) AS n FROM alerts')).toBe(String(ALERTS));
      expect(await count('SELECT count(*) AS n FROM rejected')).toBe('0');
      const end = new Map([
        ...[...(await endOffsets(admin, classified))].map(([p, o]) => [`${classified}/${p}`, o] as const),
        ...[...(await endOffsets(admin, alerts))].map(([p, o]) => [`${alerts}/${p}`, o] as const),
      ]);
      const stored = await db.storedOffsets([
        { topic: classified, partitions: [0, 1, 2] },
        { topic: alerts, partitions: [0, 1, 2] },
      ]);
      expect(new Map(stored.map((s) => [`${s.topic}/${s.partition}`, Number(s.offset)]))).toEqual(
        new Map([...end].filter(([, o]) => o > 0)),
      );
    } finally {
      db.close();
    }
  });
});

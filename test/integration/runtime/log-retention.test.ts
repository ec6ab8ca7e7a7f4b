/**
 * The start check of issue #20 (services/runtime/log-retention.ts): topics that keep records for less
 * than the longest deadline plus escalations are named in a warning, with what a rebuild would need.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { pino } from 'pino';
import { ensureTopics } from '../../../services/adapters/kafka/topics.js';
import { loadConfig } from '../../../services/runtime/config/load.js';
import { checkLogRetention } from '../../../services/runtime/log-retention.js';
import { isolatedStack } from '../../support/fixture.js';

const stack = isolatedStack('log-retention');
const env = stack.env;
let admin: Admin;

beforeAll(async () => {
  admin = stack.kafka.admin();
  await admin.connect();
  const retention = (ms: string) => [{ name: 'retention.ms', value: ms }];
  await ensureTopics(stack.kafka, [
    {
      topic: env.OTKLIK_TOPIC_COMMENTS as string,
      numPartitions: 1,
      replicationFactor: 1,
      configEntries: retention('-1'),
    },
    {
      topic: env.OTKLIK_TOPIC_CLASSIFIED as string,
      numPartitions: 1,
      replicationFactor: 1,
      configEntries: retention(String(7 * 86_400_000)),
    },
    {
      topic: env.OTKLIK_TOPIC_ALERTS as string,
      numPartitions: 1,
      replicationFactor: 1,
      configEntries: retention('3600000'),
    },
  ]);
});
afterAll(async () => {
  await admin
    ?.deleteTopics({
      topics: [env.OTKLIK_TOPIC_COMMENTS, env.OTKLIK_TOPIC_CLASSIFIED, env.OTKLIK_TOPIC_ALERTS] as string[],
    })
    .catch(() => undefined);
  await admin?.disconnect();
});

describe('the retention check at start', () => {
  it('warns about the topic that keeps less than the longest deadline plus escalations', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const short = await checkLogRetention(stack.kafka, loadConfig(env), logger);
    expect(short).toEqual([{ topic: env.OTKLIK_TOPIC_ALERTS, retentionMs: 3_600_000 }]);
    const warning = JSON.parse(lines.find((l) => l.includes('topic retention is shorter')) ?? '{}') as {
      level?: number;
      required_h?: number;
    };
    expect(warning).toMatchObject({ level: 40, required_h: 27 });

    // A policy whose longest deadline plus escalations fits in an hour is fine with all three.
    const tight = loadConfig(env);
    const fits = {
      ...tight,
      sla: {
        ...tight.sla,
        targets: { critical: 60_000, high: 60_000, normal: 60_000, low: 60_000 },
        escalation: { every: 60_000, maxLevel: 3 },
      },
    };
    expect(await checkLogRetention(stack.kafka, fits, logger)).toEqual([]);
  });
});

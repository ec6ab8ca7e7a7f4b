import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import { createKafka } from '../../services/adapters/kafka/client.js';

/** Each test gets its own topic names, consumer group and Redis key prefix on the shared stack. */
/** Key prefixes handed out in this test file; test/support/redis-cleanup.ts deletes them after it. */
export const createdKeyPrefixes = new Set<string>();

export function isolatedStack(label: string, extraEnv: Record<string, string> = {}) {
  const id = `${label}-${randomBytes(4).toString('hex')}`;
  createdKeyPrefixes.add(`test:${id}`);
  const brokers = inject('kafkaBrokers');
  const redisUrl = inject('redisUrl');
  const env: Record<string, string> = {
    KAFKA_BROKERS: brokers,
    REDIS_URL: redisUrl,
    KAFKA_CLIENT_ID: `test-${id}`,
    OTKLIK_GROUP_ID: `test-${id}`,
    OTKLIK_TOPIC_COMMENTS: `test.${id}.comments`,
    OTKLIK_TOPIC_CLASSIFIED: `test.${id}.classified`,
    OTKLIK_TOPIC_ALERTS: `test.${id}.alerts`,
    OTKLIK_TOPIC_DLQ: `test.${id}.dlq`,
    OTKLIK_TOPIC_DECISIONS: `test.${id}.decisions`,
    OTKLIK_TOPIC_ACTIONS: `test.${id}.actions`,
    OTKLIK_TOPIC_INCIDENTS: `test.${id}.incidents`,
    OTKLIK_TOPIC_PARTITIONS: '3',
    OTKLIK_KEY_PREFIX: `test:${id}`,
    OTKLIK_SHARDS: '4',
    // The test Redis may be a shared one this suite does not configure: accept its listpack setting
    // (memory only; test/integration/roles/worker/redis-settings.test.ts checks the refusal itself).
    OTKLIK_REDIS_ACCEPT_SMALL_LISTPACK: '1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...extraEnv,
  };
  const logger = pino({ level: env.LOG_LEVEL });
  const kafka = createKafka({ brokers: [brokers], clientId: `test-client-${id}` }, logger);
  const redis = () => new Redis(redisUrl);
  return { id, env, logger, kafka, redis, brokers, redisUrl };
}

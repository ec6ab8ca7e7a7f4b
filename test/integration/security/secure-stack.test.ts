import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../../services/adapters/kafka/client.js';
import { createReliableProducer } from '../../../services/adapters/kafka/producer.js';
import { ensureTopics } from '../../../services/adapters/kafka/topics.js';
import { readCounterRows } from '../../../services/adapters/redis/reader/sla-reader.js';
import { SlaKeys } from '../../../services/adapters/redis/keys.js';
import { loadConfig } from '../../../services/runtime/config/load.js';
import { COUNTER_METRICS, totalsOf } from '../../../services/core/sla/counters.js';
import { buildChaosWorkload } from '../../../tools/harness/workload/chaos.js';
import { until } from '../../../tools/harness/kafka.js';
import { killAll, launchRole } from '../../../services/runtime/launch.js';

/**
 * The worker on a SASL_SSL broker (SCRAM-SHA-512, certificates made by scripts/security/secure-stack.sh)
 * and a TLS Redis with an ACL user and a password: it works with the right credentials, fails with a
 * clear error with wrong ones, and never logs a password.
 */
const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, '../../../scripts/security/secure-stack.sh');
const dir = mkdtempSync(join(tmpdir(), 'otklik-secure-'));
let settings: Record<string, string> = {};
let secrets: Record<string, string> = {};
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
const id = `sec${Date.now().toString(36)}`;

const parse = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

function workerEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: settings.KAFKA_BROKERS as string,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: settings.KAFKA_SSL_CA_FILE as string,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'otklik',
    KAFKA_SASL_PASSWORD: secrets.KAFKA_SASL_PASSWORD as string,
    REDIS_URL: `rediss://otklik:${secrets.REDIS_PASSWORD}@${settings.REDIS_HOST_PORT}`,
    REDIS_TLS_CA_FILE: settings.REDIS_TLS_CA_FILE as string,
    OTKLIK_GROUP_ID: `${id}-workers`,
    OTKLIK_TOPIC_COMMENTS: `${id}.comments`,
    OTKLIK_TOPIC_CLASSIFIED: `${id}.classified`,
    OTKLIK_TOPIC_ALERTS: `${id}.alerts`,
    OTKLIK_TOPIC_DLQ: `${id}.dlq`,
    OTKLIK_TOPIC_PARTITIONS: '2',
    OTKLIK_KEY_PREFIX: id,
    OTKLIK_SHARDS: '4',
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

beforeAll(async () => {
  const { stdout } = await run('bash', [SCRIPT, 'up', dir], { maxBuffer: 1 << 20 });
  settings = parse(stdout);
  secrets = parse(readFileSync(join(dir, 'secrets.env'), 'utf8'));
  kafka = createKafka(
    {
      brokers: [settings.KAFKA_BROKERS as string],
      clientId: `${id}-test`,
      ssl: { ca: [readFileSync(settings.KAFKA_SSL_CA_FILE as string, 'utf8')] },
      sasl: {
        mechanism: 'scram-sha-512',
        username: 'otklik',
        password: secrets.KAFKA_SASL_PASSWORD as string,
      },
    },
    pino({ level: 'silent' }),
  );
  // The port opens before the broker has its metadata: retry topic creation until it answers.
  await until(
    'topics on the SASL_SSL broker',
    async () => {
      try {
        const env = workerEnv();
        await ensureTopics(
          kafka,
          ['COMMENTS', 'CLASSIFIED', 'ALERTS', 'DLQ'].map((t) => ({
            topic: env[`OTKLIK_TOPIC_${t}`] as string,
            numPartitions: 2,
            replicationFactor: 1,
          })),
        );
        return true;
      } catch {
        return undefined;
      }
    },
    120_000,
  );
  admin = kafka.admin();
  await admin.connect();
  producer = createReliableProducer(kafka);
  await producer.connect();
}, 300_000);

afterAll(async () => {
  await killAll();
  await producer?.disconnect().catch(() => undefined);
  await admin?.disconnect().catch(() => undefined);
  await run('bash', [SCRIPT, 'down', dir]).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('worker on SASL_SSL Kafka and TLS Redis with ACL credentials', () => {
  it('processes a stream to exact totals, and logs no password', { timeout: 180_000 }, async () => {
    const env = workerEnv();
    const config = loadConfig(env);
    const workload = buildChaosWorkload({
      runId: id,
      seed: 5,
      comments: 60,
      now: Date.now(),
      policies: config.sla,
      plan: { shards: 4, excerptChars: config.runtime.excerptChars },
    });
    const worker = launchRole({ name: 'secure', env, roles: ['worker', 'sweeper'] });
    await producer.send({
      topic: env.OTKLIK_TOPIC_COMMENTS as string,
      acks: -1,
      messages: workload.messages,
    });
    const redis = new Redis(env.REDIS_URL as string, {
      tls: { ca: [readFileSync(env.REDIS_TLS_CA_FILE as string)] },
    });
    try {
      await until(
        'exact totals over TLS Redis',
        async () => {
          const totals = totalsOf(await readCounterRows(redis, new SlaKeys(id), 4));
          return COUNTER_METRICS.every((m) => totals[m] === workload.expected[m]) ? true : undefined;
        },
        150_000,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${worker.output()}`);
    } finally {
      redis.disconnect();
    }
    await worker.stop();
    const log = worker.output();
    expect(log).toContain('worker started');
    for (const secret of [
      secrets.KAFKA_SASL_PASSWORD,
      secrets.REDIS_PASSWORD,
      secrets.KAFKA_ADMIN_PASSWORD,
    ]) {
      expect(log).not.toContain(secret);
    }
  });

  it('a wrong Kafka password fails with a clear authentication error', { timeout: 120_000 }, async () => {
    const wrong = 'not-the-password-0000';
    const worker = launchRole({ name: 'bad-kafka', env: workerEnv({ KAFKA_SASL_PASSWORD: wrong }) });
    const exit = await Promise.race([
      worker.exited,
      new Promise((r) => setTimeout(() => r('running'), 90_000)),
    ]);
    await worker.kill();
    const log = worker.output();
    expect(exit, log).not.toBe('running');
    expect(log).toMatch(/SASL SCRAM SHA512 authentication failed|Authentication failed/i);
    expect(log).not.toContain(wrong);
  });

  it('a wrong Redis password fails with a clear authentication error', { timeout: 120_000 }, async () => {
    const wrong = 'not-the-password-1111';
    const worker = launchRole({
      name: 'bad-redis',
      env: workerEnv({ REDIS_URL: `rediss://otklik:${wrong}@${settings.REDIS_HOST_PORT}` }),
    });
    await until(
      'an authentication error in the worker output',
      async () => (/WRONGPASS|NOAUTH|invalid username-password/i.test(worker.output()) ? true : undefined),
      90_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${worker.output()}`);
    });
    await worker.kill();
    expect(worker.output()).not.toContain(wrong);
  });
});

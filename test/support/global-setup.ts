import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { readStackEnv } from '../../tools/harness/stack-env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    redisUrl: string;
    /** Empty when no registry was found: the registry tests fail with how to start one. */
    schemaRegistryUrl: string;
  }
}

const ROOT = join(import.meta.dirname, '..', '..');

async function containerRuntimeAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the integration tests find Kafka and Redis, in this order: KAFKA_BROKERS / REDIS_URL given;
 * the stack `npm run stack:up` started (.otklik/stack.env); containers via testcontainers when a
 * container runtime answers; else the project's local scripts (Kafka from Maven jars, local Redis).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let { brokers, redisUrl } = readStackEnv();
  const { registryUrl } = readStackEnv();
  const cleanups: (() => Promise<unknown>)[] = [];

  if ((!brokers || !redisUrl) && (await containerRuntimeAnswers())) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const { RedisContainer } = await import('@testcontainers/redis');
    if (!brokers) {
      // The testcontainers Kafka module drives Confluent's image; 8.x is KRaft-only, Apache Kafka 4.x inside.
      // Topics are created by the services (ensureTopics), never by a producer's first send.
      const kafka = await new KafkaContainer('confluentinc/cp-kafka:8.0.0')
        .withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' })
        .start();
      brokers = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
      cleanups.push(() => kafka.stop());
    }
    if (!redisUrl) {
      const redis = await new RedisContainer('redis:7-alpine').start();
      redisUrl = redis.getConnectionUrl();
      cleanups.push(() => redis.stop());
    }
  }
  if (!brokers || !redisUrl) {
    const out = execFileSync('bash', [join(ROOT, 'scripts/stack.sh'), 'up'], { encoding: 'utf8' });
    const lines = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .map((l) => l.split('=', 2) as [string, string]),
    );
    brokers ??= lines.KAFKA_BROKERS;
    redisUrl ??= lines.REDIS_URL;
  }
  if (!brokers || !redisUrl) throw new Error('no Kafka or Redis for the integration tests');
  project.provide('kafkaBrokers', brokers);
  project.provide('redisUrl', redisUrl);
  // scripts/test.sh (and so CI) starts the registry with the static checks; a bare vitest run finds the
  // one `npm run stack:up -- --registry` started.
  project.provide('schemaRegistryUrl', registryUrl ?? '');
  return async () => {
    for (const cleanup of cleanups) await cleanup();
  };
}

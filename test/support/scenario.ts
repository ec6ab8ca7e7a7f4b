import type { Admin, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { createReliableProducer } from '../../services/adapters/kafka/producer.js';
import { loadConfig } from '../../services/runtime/config/load.js';
import { isolatedStack } from './fixture.js';
import { createTestTopics } from '../../tools/harness/kafka.js';
import { deleteKeys } from '../../tools/harness/outcome.js';
import { buildWorkload, type Workload, type WorkloadOptions } from '../../tools/harness/workload/runtime.js';
import { killAll, type RoleProcess } from '../../services/runtime/launch.js';

export type Scenario = Awaited<ReturnType<typeof openScenario>>;

/**
 * One runtime test's world: isolated topics (created up front, `partitions` each), group and key
 * prefix; an admin, an idempotent producer and a Redis client; and a workload with known totals.
 * `close()` kills leftover processes and removes the test's topics and Redis keys.
 */
export async function openScenario(
  label: string,
  options: {
    partitions: number;
    workload: Omit<WorkloadOptions, 'runId' | 'policies' | 'plan' | 'postedAt'>;
    env?: Record<string, string>;
  },
) {
  const stack = isolatedStack(label, {
    OTKLIK_TOPIC_PARTITIONS: String(options.partitions),
    OTKLIK_SHARDS: '8',
    ...options.env,
  });
  const config = loadConfig(stack.env);
  await createTestTopics(stack.kafka, stack.env);
  const admin: Admin = stack.kafka.admin();
  await admin.connect();
  const producer: Producer = createReliableProducer(stack.kafka);
  await producer.connect();
  const redis: Redis = stack.redis();
  const workload: Workload = buildWorkload({
    ...options.workload,
    runId: stack.id,
    policies: config.sla,
    plan: { shards: config.env.OTKLIK_SHARDS, excerptChars: config.runtime.excerptChars },
    // Half an hour ago: replies (5 minutes later) are in the past, every deadline still ahead.
    postedAt: Date.now() - 30 * 60_000,
  });
  const topics = [
    stack.env.OTKLIK_TOPIC_COMMENTS,
    stack.env.OTKLIK_TOPIC_CLASSIFIED,
    stack.env.OTKLIK_TOPIC_ALERTS,
    stack.env.OTKLIK_TOPIC_DLQ,
  ] as string[];
  return {
    ...stack,
    admin,
    producer,
    redisClient: redis,
    workload,
    group: stack.env.OTKLIK_GROUP_ID as string,
    input: stack.env.OTKLIK_TOPIC_COMMENTS as string,
    async close() {
      await killAll();
      await producer.disconnect().catch(() => undefined);
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.deleteGroups([stack.env.OTKLIK_GROUP_ID as string]).catch(() => undefined);
      await admin.disconnect();
      await deleteKeys(redis, stack.env).catch(() => undefined);
      redis.disconnect();
    },
  };
}

/** Runs `body`; when it throws, adds the workers' last log lines to the error. */
export async function withWorkerLogs<T>(
  workers: () => readonly RoleProcess[],
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const logs = workers()
      .map((w) => w.output())
      .join('\n');
    if (error instanceof Error) error.message += `\n${logs}`;
    throw error;
  }
}

import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/load.js';
import { createKafka } from '../adapters/kafka/client.js';
import { ensureTopics } from '../adapters/kafka/topics.js';
import { connectRedis } from '../adapters/redis/connect.js';
import { SlaStore } from '../adapters/redis/sla-store.js';
import { CommentWorker } from '../worker/worker.js';
import { Sweeper } from '../sweeper/sweeper.js';
import type { SlaAlert } from '../core/contracts/schema-types.generated.js';
import { kafkaSecurityOf } from '../adapters/kafka/security.js';
import { readCounterRows } from '../adapters/redis/sla-read.js';
import { totalsOf } from '../core/sla/counters.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';

export type Role = 'worker' | 'sweeper';

export interface RunningApp {
  worker?: CommentWorker;
  sweeper?: Sweeper;
  redis: Redis;
  metrics: Metrics;
  /** Parts that are not ready yet (for /readyz); empty when ready. */
  notReady(): string[];
  close(): Promise<void>;
}

export interface StartOptions {
  roles: Role[];
  onAlerts?: (alerts: SlaAlert[]) => void;
  onChunkCommitted?: (info: { partition: number; lastOffset: string; processed: number }) => void;
}

/** Wires config to adapters and starts the requested roles; `close()` drains them in order. */
export async function startApp(
  config: AppConfig,
  logger: Logger,
  options: StartOptions,
): Promise<RunningApp> {
  const { env, runtime } = config;
  const kafka = createKafka(
    { brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID, ...kafkaSecurityOf(env) },
    logger,
  );
  const created = await ensureTopics(
    kafka,
    [
      env.OTKLIK_TOPIC_COMMENTS,
      env.OTKLIK_TOPIC_CLASSIFIED,
      env.OTKLIK_TOPIC_ALERTS,
      env.OTKLIK_TOPIC_DLQ,
    ].map((topic) => ({
      topic,
      numPartitions: env.OTKLIK_TOPIC_PARTITIONS,
      replicationFactor: env.OTKLIK_TOPIC_REPLICATION,
    })),
  );
  if (created.length > 0) logger.info({ topics: created }, 'created missing topics');

  const redis = connectRedis(env.REDIS_URL, { tlsCaFile: env.REDIS_TLS_CA_FILE });
  const store = new SlaStore(redis, {
    prefix: env.OTKLIK_KEY_PREFIX,
    shards: env.OTKLIK_SHARDS,
    retentionMs: runtime.retentionDays * 86_400_000,
  });

  const metrics = createMetrics({
    readOpenSlas: async () => totalsOf(await readCounterRows(redis, store.keys, env.OTKLIK_SHARDS)).open,
  });

  const app: RunningApp = {
    redis,
    metrics,
    notReady: () => [
      ...(redis.status === 'ready' ? [] : [`redis ${redis.status}`]),
      ...(app.worker?.notReady() ?? []),
    ],
    close: async () => {
      // Worker first (it may still open SLAs), then the sweeper, then the shared connection.
      await app.worker?.close();
      await app.sweeper?.close();
      redis.disconnect();
    },
  };

  if (options.roles.includes('worker')) {
    app.worker = new CommentWorker({
      kafka,
      store,
      logger,
      groupId: env.OTKLIK_GROUP_ID,
      topics: {
        comments: env.OTKLIK_TOPIC_COMMENTS,
        classified: env.OTKLIK_TOPIC_CLASSIFIED,
        dlq: env.OTKLIK_TOPIC_DLQ,
      },
      policies: config.sla,
      plan: { shards: env.OTKLIK_SHARDS, excerptChars: runtime.excerptChars },
      limits: {
        maxTextBytes: runtime.limits.maxTextBytes,
        postedAtPastMs: runtime.limits.postedAtPastDays * 86_400_000,
        postedAtFutureMs: runtime.limits.postedAtFutureMinutes * 60_000,
      },
      classifierMaxTextBytes: runtime.classifier.maxTextBytes,
      onChunkCommitted: options.onChunkCommitted,
      chunkSize: env.OTKLIK_BATCH_SIZE,
      partitionsConsumedConcurrently: env.OTKLIK_PARTITIONS_CONCURRENCY,
      maxWaitTimeMs: env.OTKLIK_FETCH_MAX_WAIT_MS,
      pingRedis: () => redis.ping(),
      metrics,
    });
    await app.worker.start();
  }
  if (options.roles.includes('sweeper')) {
    app.sweeper = new Sweeper({
      kafka,
      store,
      logger,
      alertsTopic: env.OTKLIK_TOPIC_ALERTS,
      shards: env.OTKLIK_SHARDS,
      leaseMs: runtime.sweeper.leaseMs,
      maxSleepMs: runtime.sweeper.maxSleepMs,
      claimBatch: runtime.sweeper.claimBatch,
      onResend: () => metrics.retries.inc({ target: 'kafka' }),
      onAlerts: (alerts) => {
        for (const alert of alerts) metrics.alertsPublished.inc({ kind: alert.kind });
        options.onAlerts?.(alerts);
      },
    });
    await app.sweeper.start();
  }
  return app;
}

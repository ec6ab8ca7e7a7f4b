import type { Logger } from 'pino';
import { taxonomyRoutingOf, type AppConfig } from './config/load.js';
import { TaxonomyRouter } from '../core/classifier/taxonomy.js';
import { createKafka } from '../adapters/kafka/client.js';
import { ensureTopics } from '../adapters/kafka/topics.js';
import { connectRedis, type RedisClient } from '../adapters/redis/connect.js';
import { assertNoEviction } from '../adapters/redis/eviction-policy.js';
import { assertLayoutVersion, assertListpackSettings } from '../adapters/redis/redis-settings.js';
import { SlaStore } from '../adapters/redis/store/sla-store.js';
import { createCommentWorker, type CommentWorker } from '../roles/worker/worker.js';
import { NOT_READY_REASONS } from './consumer/batched-consumer.js';
import { Sweeper } from '../roles/sweeper/sweeper.js';
import type { SlaAlert } from '../core/contracts/schema-types.generated.js';
import { kafkaSecurityOf } from '../adapters/kafka/security.js';
import { SlaReader } from '../adapters/redis/reader/sla-reader.js';
import { totalsOf } from '../core/sla/counters.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { startRegistryMode } from './schema-registry.js';
import type { StateLostError } from './state-guard.js';
import { checkStateGeneration, watchStateGeneration } from './state-guard.js';
import { checkLogRetention } from './log-retention.js';

export type Role = 'worker' | 'sweeper';

export interface RunningApp {
  worker?: CommentWorker;
  sweeper?: Sweeper;
  redis: RedisClient;
  metrics: Metrics;
  /** Parts that are not ready yet (for /readyz); empty when ready. */
  notReady(): string[];
  /** Parts stopped for good (for /healthz: only a restart helps); empty when healthy. */
  unhealthy(): string[];
  close(): Promise<void>;
}

export interface StartOptions {
  roles: Role[];
  onAlerts?: (alerts: SlaAlert[]) => void;
  onChunkCommitted?: (info: { partition: number; lastOffset: string; processed: number }) => void;
  /** The state in Redis was lost while running: the roles are stopping (main.ts exits non-zero). */
  onStateLost?: (error: StateLostError) => void;
}

/**
 * Wires config to adapters and starts the requested roles; `close()` drains them in order. Both roles
 * write SLA state, so it refuses to start (EvictionPolicyError) on a Redis that may evict keys.
 */
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
  const redis = connectRedis(env, {
    // The message only: an ioredis error names the address, never the URL's credentials.
    onConnectionError: (error) => logger.warn({ err: error.message }, 'redis connection lost; reconnecting'),
  });
  const stateTarget = {
    redis,
    prefix: env.OTKLIK_KEY_PREFIX,
    shards: env.OTKLIK_SHARDS,
    groupId: env.OTKLIK_GROUP_ID,
    commentsTopic: env.OTKLIK_TOPIC_COMMENTS,
    logger,
  };
  let created: string[];
  let generation: string;
  try {
    // Checked first: a role that would refuse creates no topics.
    await assertNoEviction(redis, {
      onWait: (error) => logger.warn({ err: error.message }, 'Redis does not answer yet; waiting for it'),
    });
    await assertListpackSettings(redis, { acceptSmallListpack: env.OTKLIK_REDIS_ACCEPT_SMALL_LISTPACK });
    await assertLayoutVersion(redis, env.OTKLIK_KEY_PREFIX, env.OTKLIK_SHARDS, { stampEmpty: false });
    generation = await checkStateGeneration({ ...stateTarget, kafka });
    await assertLayoutVersion(redis, env.OTKLIK_KEY_PREFIX, env.OTKLIK_SHARDS);
    created = await ensureTopics(
      kafka,
      [
        env.OTKLIK_TOPIC_COMMENTS,
        env.OTKLIK_TOPIC_CLASSIFIED,
        env.OTKLIK_TOPIC_ALERTS,
        env.OTKLIK_TOPIC_DLQ,
        env.OTKLIK_TOPIC_ACTIONS,
      ].map((topic) => ({
        topic,
        numPartitions: env.OTKLIK_TOPIC_PARTITIONS,
        replicationFactor: env.OTKLIK_TOPIC_REPLICATION,
      })),
    );
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  if (created.length > 0) logger.info({ topics: created }, 'created missing topics');
  await checkLogRetention(kafka, config, logger);
  let registry: Awaited<ReturnType<typeof startRegistryMode>>;
  try {
    registry = await startRegistryMode(env, logger);
  } catch (error) {
    redis.disconnect();
    throw error;
  }

  const store = new SlaStore(redis, {
    prefix: env.OTKLIK_KEY_PREFIX,
    shards: env.OTKLIK_SHARDS,
    retentionMs: runtime.retentionDays * 86_400_000,
    replicas: { count: env.OTKLIK_REDIS_WAIT_REPLICAS, timeoutMs: env.OTKLIK_REDIS_WAIT_TIMEOUT_MS },
    // The whole life of an appeal (issue #16): a reply starts the final answer, every action applies.
    policy: config.sla,
  });

  const reader = new SlaReader(redis, { prefix: env.OTKLIK_KEY_PREFIX, shards: env.OTKLIK_SHARDS });
  const metrics = createMetrics({
    // The gauges' slice only (GETRANGE), not every counter of every shard, on each scrape.
    readOpenSlas: async () => totalsOf(await reader.gaugeRows()).open,
    workerReadiness: {
      reasons: NOT_READY_REASONS,
      current: () => app.worker?.notReadyReasons().map((r) => r.reason) ?? [],
    },
  });

  let stateLost: StateLostError | undefined;
  let stopping: Promise<void> | undefined;
  // Worker first (it may still open SLAs), then the sweeper; once, whoever asks first.
  const stopRoles = () =>
    (stopping ??= (async () => {
      await app.worker?.close();
      await app.sweeper?.close();
    })());
  const stateWatch = watchStateGeneration(stateTarget, generation, {
    intervalMs: env.OTKLIK_STATE_CHECK_MS,
    onLost: (error) => {
      stateLost = error;
      metrics.stateLost.set(1);
      logger.error({ err: error.message }, 'SLA state lost; stopping the roles');
      void stopRoles().finally(() => options.onStateLost?.(error));
    },
  });

  const app: RunningApp = {
    redis,
    metrics,
    notReady: () => [
      ...(redis.status === 'ready' ? [] : [`redis ${redis.status}`]),
      ...(app.worker?.notReady() ?? []),
    ],
    unhealthy: () => [...(stateLost ? ['SLA state lost'] : []), ...(app.worker?.unhealthy() ?? [])],
    close: async () => {
      stateWatch.stop();
      await stopRoles();
      redis.disconnect();
    },
  };

  if (options.roles.includes('worker')) {
    app.worker = createCommentWorker({
      kafka,
      store,
      logger,
      groupId: env.OTKLIK_GROUP_ID,
      topics: {
        comments: env.OTKLIK_TOPIC_COMMENTS,
        actions: env.OTKLIK_TOPIC_ACTIONS,
        classified: env.OTKLIK_TOPIC_CLASSIFIED,
        dlq: env.OTKLIK_TOPIC_DLQ,
      },
      policies: config.sla,
      plan: { shards: env.OTKLIK_SHARDS, excerptChars: runtime.excerptChars },
      limits: {
        maxTextBytes: runtime.limits.maxTextBytes,
        postedAtPastMs: runtime.limits.postedAtPastDays * 86_400_000,
        postedAtFutureMs: runtime.limits.postedAtFutureMinutes * 60_000,
        maxFieldBytes: runtime.limits.maxFieldBytes,
        extraRegions: runtime.limits.extraRegions,
      },
      classifierMaxTextBytes: runtime.classifier.maxTextBytes,
      taxonomies: new TaxonomyRouter(taxonomyRoutingOf(runtime)),
      onChunkCommitted: options.onChunkCommitted,
      chunkSize: env.OTKLIK_BATCH_SIZE,
      partitionsConsumedConcurrently: env.OTKLIK_PARTITIONS_CONCURRENCY,
      maxWaitTimeMs: env.OTKLIK_FETCH_MAX_WAIT_MS,
      maxMessageBytes: env.OTKLIK_MAX_MESSAGE_BYTES,
      readyMaxPauseMs: env.OTKLIK_READY_MAX_PAUSE_MS,
      sessionTimeoutMs: env.OTKLIK_CONSUMER_SESSION_TIMEOUT_MS,
      pingRedis: () => redis.ping(),
      metrics,
      codecs: registry?.codecs,
      schemaFetcher: registry?.fetcher,
    });
    await app.worker.start();
  }
  if (options.roles.includes('sweeper')) {
    app.sweeper = await Sweeper.start({
      kafka,
      store,
      logger,
      alertsTopic: env.OTKLIK_TOPIC_ALERTS,
      shards: env.OTKLIK_SHARDS,
      leaseMs: runtime.sweeper.leaseMs,
      maxSleepMs: runtime.sweeper.maxSleepMs,
      claimBatch: runtime.sweeper.claimBatch,
      onResend: () => metrics.retries.inc({ target: 'kafka' }),
      ...(registry ? { encodeAlert: registry.codecs.slaAlert.encode } : {}),
      onAlerts: (alerts) => {
        for (const alert of alerts) metrics.alertsPublished.inc({ kind: alert.kind });
        options.onAlerts?.(alerts);
      },
    });
  }
  return app;
}

/**
 * The incident service as a process: `npm run incidents` (tsx services/apps/incidents/main.ts). Reads the
 * classified topic (group OTKLIK_INCIDENTS_GROUP_ID), runs the incident detector per detector shard with
 * its state in Redis, publishes IncidentEvents to OTKLIK_TOPIC_INCIDENTS (docs/incidents.md#the-service).
 * /metrics, /healthz and /readyz on HTTP_HOST:HTTP_PORT as the other roles. Any number may run: the
 * classified topic's partitions are spread over them, and each detector shard is run by one at a time.
 */
import { createKafka } from '../../adapters/kafka/client.js';
import { createReliableProducer } from '../../adapters/kafka/producer.js';
import { kafkaSecurityOf } from '../../adapters/kafka/security.js';
import { ensureTopics } from '../../adapters/kafka/topics.js';
import { connectRedis } from '../../adapters/redis/connect.js';
import { assertNoEviction } from '../../adapters/redis/eviction-policy.js';
import { IncidentStore } from '../../adapters/redis/incidents/incident-store.js';
import { PriorityRaiser } from '../../adapters/redis/incidents/priority-raise.js';
import { CampaignFlagger } from '../../adapters/redis/incidents/campaign-flag.js';
import { SlaStore } from '../../adapters/redis/store/sla-store.js';
import { encodeIncidentEvent } from '../../core/contracts/index.js';
import { IncidentProcessor } from '../../roles/incidents/incident-processor.js';
import { openIncidentCounts } from '../../roles/incidents/open-incidents.js';
import { createIncidentMetrics } from '../../roles/incidents/incident-metrics.js';
import { BatchedConsumer } from '../../runtime/consumer/batched-consumer.js';
import { ConfigError, loadConfig } from '../../runtime/config/load.js';
import { startHttpServer } from '../../runtime/observability/http-server.js';
import { createLogger } from '../../runtime/observability/logger.js';
import { startRegistryMode } from '../../runtime/schema-registry.js';
import { contractReadersOf } from '../../runtime/schema-readers.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const { env, runtime } = config;
  const logger = createLogger(env.LOG_LEVEL, { pid: process.pid, role: 'incidents' });
  const kafka = createKafka(
    { brokers: env.KAFKA_BROKERS, clientId: `${env.KAFKA_CLIENT_ID}-incidents`, ...kafkaSecurityOf(env) },
    logger,
  );
  const redis = connectRedis(env, {
    onConnectionError: (error) => logger.warn({ err: error.message }, 'redis connection lost; reconnecting'),
  });
  await assertNoEviction(redis, {
    onWait: (error) => logger.warn({ err: error.message }, 'Redis does not answer yet; waiting for it'),
  });
  await ensureTopics(
    kafka,
    [env.OTKLIK_TOPIC_CLASSIFIED, env.OTKLIK_TOPIC_INCIDENTS].map((topic) => ({
      topic,
      numPartitions: env.OTKLIK_TOPIC_PARTITIONS,
      replicationFactor: env.OTKLIK_TOPIC_REPLICATION,
    })),
  );
  const registry = await startRegistryMode(env, logger);
  const store = new IncidentStore(redis, env.OTKLIK_KEY_PREFIX);
  // A member's raise and cancel go through the appeal lifecycle, as the worker's steps do.
  const lifecycle = new SlaStore(redis, {
    prefix: env.OTKLIK_KEY_PREFIX,
    shards: env.OTKLIK_SHARDS,
    retentionMs: runtime.retentionDays * 86_400_000,
    replicas: { count: env.OTKLIK_REDIS_WAIT_REPLICAS, timeoutMs: env.OTKLIK_REDIS_WAIT_TIMEOUT_MS },
    policy: config.sla,
  }).lifecycle;
  const metrics = createIncidentMetrics(() => openIncidentCounts(store, env.OTKLIK_INCIDENT_SHARDS));
  const processor = new IncidentProcessor({
    store,
    producer: createReliableProducer(kafka),
    readers: contractReadersOf(env),
    incidentsTopic: env.OTKLIK_TOPIC_INCIDENTS,
    shards: env.OTKLIK_INCIDENT_SHARDS,
    retentionMs: env.OTKLIK_INCIDENT_RETENTION_HOURS * 3_600_000,
    lockTtlMs: env.OTKLIK_INCIDENT_LOCK_MS,
    memberTtlSeconds: runtime.retentionDays * 86_400,
    encode: registry ? registry.codecs.incidentEvent.encode : encodeIncidentEvent,
    logger: logger.child({ component: 'incidents' }),
    raiser: new PriorityRaiser(redis, {
      prefix: env.OTKLIK_KEY_PREFIX,
      shards: env.OTKLIK_SHARDS,
      steps: env.OTKLIK_INCIDENT_PRIORITY_STEPS,
      markerTtlSeconds: runtime.retentionDays * 86_400,
      lifecycle,
    }),
    campaigns: new CampaignFlagger(redis, {
      prefix: env.OTKLIK_KEY_PREFIX,
      shards: env.OTKLIK_SHARDS,
      cancelSla: env.OTKLIK_INCIDENT_CAMPAIGN_SLA === 'cancel',
      retentionMs: runtime.retentionDays * 86_400_000,
      lifecycle,
    }),
    onCampaignFlags: (outcomes) => metrics.campaignFlags(outcomes),
    onEvents: (events) => {
      metrics.published(events);
      for (const e of events)
        if (e.kind !== 'UPDATED')
          logger.info({ incident: e.incident_id, kind: e.kind, type: e.type, size: e.size }, 'incident');
    },
  });
  const consumer = new BatchedConsumer({
    kafka,
    logger,
    name: 'incidents',
    groupId: env.OTKLIK_INCIDENTS_GROUP_ID,
    topics: [env.OTKLIK_TOPIC_CLASSIFIED],
    processor,
    fromBeginning: true,
    chunkSize: env.OTKLIK_BATCH_SIZE,
    partitionsConsumedConcurrently: env.OTKLIK_PARTITIONS_CONCURRENCY,
    maxWaitTimeMs: env.OTKLIK_FETCH_MAX_WAIT_MS,
    readyMaxPauseMs: env.OTKLIK_READY_MAX_PAUSE_MS,
    sessionTimeoutMs: env.OTKLIK_CONSUMER_SESSION_TIMEOUT_MS,
  });
  await consumer.start();
  const server = await startHttpServer({
    host: env.HTTP_HOST,
    port: env.HTTP_PORT,
    registry: metrics.registry,
    health: consumer,
    logger: logger.child({ component: 'http' }),
  });
  logger.info({ shards: env.OTKLIK_INCIDENT_SHARDS }, 'incident service started');

  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), env.OTKLIK_SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    server.close();
    consumer.close().then(
      () => {
        redis.disconnect();
        process.exit(0);
      },
      (error: Error) => {
        logger.error({ err: error.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: Error) => {
  process.stderr.write(`otklik incidents: ${error.stack ?? error.message}\n`);
  process.exit(1);
});

/**
 * The analytics sink as a process: `npm run analytics` (tsx services/apps/analytics/main.ts). Reads the
 * classified and alert topics into the DuckDB file OTKLIK_ANALYTICS_DB; /metrics, /healthz and /readyz
 * on HTTP_HOST:HTTP_PORT as the other roles. Stop it with SIGTERM: the group in flight is written and
 * committed first.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { AnalyticsDb } from '../../adapters/duckdb/analytics-db.js';
import { createKafka } from '../../adapters/kafka/client.js';
import { kafkaSecurityOf } from '../../adapters/kafka/security.js';
import { ensureTopics } from '../../adapters/kafka/topics.js';
import { AnalyticsSink, analyticsFetchBytes } from '../../roles/analytics/analytics-sink.js';
import { serveLiveReport } from '../report/live.js';
import { BatchedConsumer } from '../../runtime/consumer/batched-consumer.js';
import { ConfigError, loadConfig } from '../../runtime/config/load.js';
import { startHttpServer } from '../../runtime/observability/http-server.js';
import { createLogger } from '../../runtime/observability/logger.js';
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
  const { env } = config;
  const logger = createLogger(env.LOG_LEVEL, { pid: process.pid, role: 'analytics' });
  const kafka = createKafka(
    { brokers: env.KAFKA_BROKERS, clientId: `${env.KAFKA_CLIENT_ID}-analytics`, ...kafkaSecurityOf(env) },
    logger,
  );
  const topics = {
    classified: env.OTKLIK_TOPIC_CLASSIFIED,
    alerts: env.OTKLIK_TOPIC_ALERTS,
    decisions: env.OTKLIK_TOPIC_DECISIONS,
  };
  await ensureTopics(
    kafka,
    [topics.classified, topics.alerts, topics.decisions].map((topic) => ({
      topic,
      numPartitions: env.OTKLIK_TOPIC_PARTITIONS,
      replicationFactor: env.OTKLIK_TOPIC_REPLICATION,
    })),
  );
  const db = await AnalyticsDb.open(env.OTKLIK_ANALYTICS_DB, {
    checkpointMb: env.OTKLIK_ANALYTICS_CHECKPOINT_MB,
    threads: env.OTKLIK_ANALYTICS_THREADS,
  });
  logger.info(
    {
      file: env.OTKLIK_ANALYTICS_DB,
      checkpointMb: env.OTKLIK_ANALYTICS_CHECKPOINT_MB,
      chunkSize: env.OTKLIK_ANALYTICS_CHUNK_SIZE,
      fetchMb: env.OTKLIK_ANALYTICS_FETCH_MB,
      threads: env.OTKLIK_ANALYTICS_THREADS ?? 'one per core',
    },
    'analytics store open',
  );
  const sink = new BatchedConsumer({
    kafka,
    logger,
    name: 'analytics',
    groupId: env.OTKLIK_ANALYTICS_GROUP_ID,
    topics: [topics.classified, topics.alerts, topics.decisions],
    // Registry mode: the ids the roles wrote are the registry's, read through it.
    processor: new AnalyticsSink(db, topics, contractReadersOf(env)),
    // Large transactions (docs/analytics.md, "Ingest speed"): its own chunk and fetch sizes, not the worker's.
    chunkSize: env.OTKLIK_ANALYTICS_CHUNK_SIZE,
    fetchBytes: analyticsFetchBytes(env.OTKLIK_ANALYTICS_FETCH_MB),
    partitionsConsumedConcurrently: env.OTKLIK_PARTITIONS_CONCURRENCY,
    maxWaitTimeMs: env.OTKLIK_FETCH_MAX_WAIT_MS,
    readyMaxPauseMs: env.OTKLIK_READY_MAX_PAUSE_MS,
    sessionTimeoutMs: env.OTKLIK_CONSUMER_SESSION_TIMEOUT_MS,
  });
  await sink.start();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const server = await startHttpServer({
    host: env.HTTP_HOST,
    port: env.HTTP_PORT,
    registry,
    health: sink,
    logger: logger.child({ component: 'http' }),
    // The report, live, for the ops board's «Аналитика» page (a second connection: reads never wait on writes).
    extra: serveLiveReport(db.connectReader()),
  });

  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), env.OTKLIK_SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    server.close();
    sink.close().then(
      () => process.exit(0),
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
  process.stderr.write(`otklik analytics: ${error.stack ?? error.message}\n`);
  process.exit(1);
});

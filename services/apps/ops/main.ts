/**
 * The ops board (`npm run ops` -> http://127.0.0.1:8080): a live, read-only SLA board in Russian for
 * operators. Reads only Redis (counters, deadlines) and the alert topic. Configuration: the workers'
 * variables plus OPS_HTTP_HOST, OPS_HTTP_PORT, OPS_TOKEN, ... (services/apps/ops/config.ts, docs/ops.md).
 */
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { createKafka } from '../../adapters/kafka/client.js';
import { kafkaSecurityOf } from '../../adapters/kafka/security.js';
import { connectRedis } from '../../adapters/redis/connect.js';
import { ConfigError } from '../../runtime/config/load.js';
import { createLogger } from '../../runtime/observability/logger.js';
import { contractReadersOf } from '../../runtime/schema-readers.js';
import { AlertFeed } from './alert-feed.js';
import { BoardSource } from './board-source.js';
import { IncidentSource } from './incident-source.js';
import { loadOpsConfig, type OpsConfig } from './config.js';
import { BoardHub } from './hub.js';
import { createOpsMetrics } from './metrics.js';
import { startOpsServer } from './server.js';

export interface RunningOps {
  server: Server;
  /** The address the board listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  close(): Promise<void>;
}

/** Starts the board; `close()` stops pushing, closes the server and disconnects, in that order. */
export async function startOps(config: OpsConfig, logger: Logger): Promise<RunningOps> {
  const { env, ops } = config;
  const redis = connectRedis(env, {
    onConnectionError: (error) => logger.warn({ err: error.message }, 'redis connection lost; reconnecting'),
  });
  const kafka = createKafka(
    { brokers: env.KAFKA_BROKERS, clientId: `${env.KAFKA_CLIENT_ID}-ops`, ...kafkaSecurityOf(env) },
    logger,
  );
  const metrics = createOpsMetrics();
  const source = new BoardSource(redis, {
    prefix: env.OTKLIK_KEY_PREFIX,
    shards: env.OTKLIK_SHARDS,
    overdueLimit: ops.OPS_OVERDUE_LIMIT,
    scanCap: ops.OPS_SCAN_CAP,
    cacheMs: Math.floor(ops.OPS_PUSH_INTERVAL_MS / 2),
    scanIntervalMs: ops.OPS_SCAN_INTERVAL_MS,
    metrics,
    incidents: new IncidentSource(redis, {
      prefix: env.OTKLIK_KEY_PREFIX,
      slaShards: env.OTKLIK_SHARDS,
      incidentShards: env.OTKLIK_INCIDENT_SHARDS,
      cacheMs: Math.floor(ops.OPS_PUSH_INTERVAL_MS / 2),
    }),
  });
  const feed = new AlertFeed({
    kafka,
    topic: env.OTKLIK_TOPIC_ALERTS,
    history: ops.OPS_ALERT_HISTORY,
    logger,
    readers: contractReadersOf(env),
    onAlert: () => metrics.alertsReceived.inc(),
  });
  await feed.start();
  const hub = new BoardHub(source, feed, {
    intervalMs: ops.OPS_PUSH_INTERVAL_MS,
    logger,
    maxClients: ops.OPS_SSE_MAX_CLIENTS,
    maxClientsPerAddress: ops.OPS_SSE_MAX_CLIENTS_PER_ADDRESS,
    maxBufferBytes: ops.OPS_SSE_MAX_BUFFER_BYTES,
    drainTimeoutMs: ops.OPS_SSE_DRAIN_TIMEOUT_MS,
    metrics,
  });
  metrics.countBoardClientsWith(() => hub.size);
  const server = await startOpsServer({
    host: ops.OPS_HTTP_HOST,
    port: ops.OPS_HTTP_PORT,
    token: ops.OPS_TOKEN,
    allowedHosts: ops.OPS_ALLOWED_HOSTS,
    analyticsUrl: ops.OPS_ANALYTICS_URL,
    source,
    feed,
    hub,
    logger,
    metrics,
    notReady: () => [
      ...(redis.status === 'ready' ? [] : [`redis ${redis.status}`]),
      ...(feed.notReady() ? [feed.notReady() as string] : []),
    ],
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : ops.OPS_HTTP_PORT;
  const host = ops.OPS_HTTP_HOST.includes(':') ? `[${ops.OPS_HTTP_HOST}]` : ops.OPS_HTTP_HOST;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      (closing ??= (async () => {
        hub.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await feed.close();
        redis.disconnect();
      })()),
  };
}

async function main(): Promise<void> {
  let config: OpsConfig;
  try {
    config = loadOpsConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.env.LOG_LEVEL, { role: 'ops' });
  const ops = await startOps(config, logger);
  // The token itself is never printed: the page asks for it (or open /?token=… once; it sets a cookie).
  process.stderr.write(
    `Otklik ops board: ${ops.url}${config.ops.OPS_TOKEN ? ' (asks for OPS_TOKEN)' : ''}\n`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'stopping the ops board');
      void ops.close().then(() => process.exit(0));
    });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();

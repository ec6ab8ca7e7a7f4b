/**
 * Entry point of an Otklik process: `tsx services/runtime/main.ts [worker] [sweeper]` (both by default).
 * Configuration: environment variables and the file named by OTKLIK_CONFIG (see README).
 */
import { ConfigError, loadConfig } from './config/load.js';
import { createLogger } from './observability/logger.js';
import { startApp, type Role } from './app.js';
import { startHttpServer } from './observability/http-server.js';
import { EvictionPolicyError } from '../adapters/redis/eviction-policy.js';
import { StateLostError } from './state-guard.js';

const roles = process.argv.slice(2).filter((a): a is Role => a === 'worker' || a === 'sweeper');

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
  const logger = createLogger(config.env.LOG_LEVEL, { pid: process.pid });
  const app = await startApp(config, logger, {
    roles: roles.length ? roles : ['worker', 'sweeper'],
    // The roles have stopped; a restart would refuse on the same state, so say so and exit.
    onStateLost: (error) => {
      process.stderr.write(`otklik: ${error.message}\n`);
      server.close();
      void app.close().finally(() => process.exit(3));
    },
  });
  const server = await startHttpServer({
    host: config.env.HTTP_HOST,
    port: config.env.HTTP_PORT,
    registry: app.metrics.registry,
    health: app,
    logger: logger.child({ component: 'http' }),
  });

  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.env.OTKLIK_SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    server.close();
    app.close().then(
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
  // A refusal is a statement for the operator, not a crash: no stack.
  const text =
    error instanceof EvictionPolicyError || error instanceof StateLostError
      ? error.message
      : (error.stack ?? error.message);
  process.stderr.write(`otklik: ${text}\n`);
  process.exit(1);
});

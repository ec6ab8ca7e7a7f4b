/**
 * Entry point of an Otklik process: `node dist/services/runtime/main.js [worker] [sweeper]` (both by
 * default) after `npm run build`, or `tsx services/runtime/main.ts` from source. `--version` and `--help`
 * answer without starting anything. Configuration: environment variables and the file named by
 * OTKLIK_CONFIG (docs/configuration.md).
 */
import { ConfigError, loadConfig } from './config/load.js';
import { createLogger } from './observability/logger.js';
import { startApp, type Role } from './app.js';
import { startHttpServer } from './observability/http-server.js';
import { EvictionPolicyError } from '../adapters/redis/eviction-policy.js';
import { StateLostError } from './state-guard.js';
import { VERSION } from './version.js';

const USAGE = `usage: otklik-roles [worker] [sweeper]   (both when none is named)
       otklik-roles --version | --help
Configuration: environment variables and the YAML file named by OTKLIK_CONFIG (docs/configuration.md).
Serves /metrics, /healthz and /readyz on HTTP_HOST:HTTP_PORT; SIGTERM drains and exits.`;

// Answered before any configuration is read or connection made: a probe of the image starts nothing.
if (process.argv.includes('--version')) {
  process.stdout.write(`${VERSION}\n`);
  process.exit(0);
}
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const unknown = process.argv.slice(2).filter((a) => a !== 'worker' && a !== 'sweeper');
if (unknown.length) {
  process.stderr.write(`otklik: unknown argument ${unknown.join(' ')}\n${USAGE}\n`);
  process.exit(2);
}

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

/**
 * Where the shared Kafka and Redis are: KAFKA_BROKERS and REDIS_URL from the environment, else from
 * the file `npm run stack:up` wrote (.otklik/stack.env, or $OTKLIK_STATE_DIR/stack.env). The one reader
 * for the benchmarks, the fuzzer and the tests' global setup.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../services/runtime/launch.js';

export interface StackEnv {
  brokers: string | undefined;
  redisUrl: string | undefined;
  /** The Schema Registry's Confluent-compatible API, when the stack has one (`stack:up -- --registry`). */
  registryUrl: string | undefined;
  /** The file looked at (named in errors). */
  file: string;
}

export function readStackEnv(env: NodeJS.ProcessEnv = process.env): StackEnv {
  const file = join(env.OTKLIK_STATE_DIR ?? join(REPO_ROOT, '.otklik'), 'stack.env');
  const fromFile: Record<string, string> = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith('#')) fromFile[line.slice(0, eq)] = line.slice(eq + 1).trim();
    }
  }
  return {
    brokers: env.KAFKA_BROKERS ?? fromFile.KAFKA_BROKERS,
    redisUrl: env.REDIS_URL ?? fromFile.REDIS_URL,
    registryUrl: env.SCHEMA_REGISTRY_URL ?? fromFile.SCHEMA_REGISTRY_URL,
    file,
  };
}

/** The same, for a tool that cannot run without the stack: a clear error when either is missing. */
export function requireStackEnv(env: NodeJS.ProcessEnv = process.env): { brokers: string; redisUrl: string } {
  const { brokers, redisUrl, file } = readStackEnv(env);
  if (!brokers || !redisUrl)
    throw new Error(`no KAFKA_BROKERS / REDIS_URL: run \`npm run stack:up\` first (${file})`);
  return { brokers, redisUrl };
}

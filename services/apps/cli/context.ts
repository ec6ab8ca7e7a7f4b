import type { Kafka } from 'kafkajs';
import { destination, pino } from 'pino';
import { createKafka } from '../../adapters/kafka/client.js';
import { kafkaSecurityOf } from '../../adapters/kafka/security.js';
import { connectRedis, type RedisClient } from '../../adapters/redis/connect.js';
import { envSchema, type EnvConfig } from '../../runtime/config/env.js';
import { readSecretFile, urlHasPassword, withPassword } from './credentials.js';

/** Where a command writes; tests pass their own. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal (progress bars draw only there). */
  errIsTty?: boolean;
  /** A stream for the progress bar; stderr by default. */
  errStream?: NodeJS.WritableStream;
}

export interface GlobalOptions {
  brokers?: string;
  redisUrl?: string;
  redisPasswordFile?: string;
}

/** Thrown for a wrong argument or environment: the message is shown as is, the exit code is 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The Redis URL the options ask for, if they ask: `--redis-url` without a password (a command line is
 * visible to every user of the machine), the password from `--redis-password-file`.
 */
function redisUrlOf(io: CliIo, globals: GlobalOptions): string | undefined {
  if (globals.redisUrl && urlHasPassword(globals.redisUrl)) {
    throw new UsageError(
      '--redis-url must not contain a password: the command line is visible to every user of the ' +
        'machine and stays in the shell history. Set REDIS_URL in the environment, or give the password ' +
        'with --redis-password-file <file>.',
    );
  }
  if (!globals.redisPasswordFile) return globals.redisUrl;
  const password = (() => {
    try {
      return readSecretFile(globals.redisPasswordFile, '--redis-password-file');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  })();
  const base = globals.redisUrl ?? io.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  try {
    return withPassword(base, password);
  } catch {
    throw new UsageError('REDIS_URL: not a valid URL');
  }
}

/** The workers' environment schema and defaults, so the CLI reads the same topics and keys they do. */
export function envOf(io: CliIo, globals: GlobalOptions): EnvConfig {
  const redisUrl = redisUrlOf(io, globals);
  const parsed = envSchema.safeParse({
    ...io.env,
    ...(globals.brokers ? { KAFKA_BROKERS: globals.brokers } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new UsageError(`invalid environment:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

export function kafkaOf(io: CliIo, env: EnvConfig, role: string): Kafka {
  // kafkajs warnings go to stderr, never into the command's output.
  const logger = pino({ level: io.env.LOG_LEVEL === 'debug' ? 'debug' : 'error' }, destination(2));
  return createKafka(
    { brokers: env.KAFKA_BROKERS, clientId: `${env.KAFKA_CLIENT_ID}-cli-${role}`, ...kafkaSecurityOf(env) },
    logger,
  );
}

export function redisOf(env: EnvConfig): RedisClient {
  return connectRedis(env);
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`not a positive integer: ${value}`);
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`not a number >= 0: ${value}`);
  return n;
}

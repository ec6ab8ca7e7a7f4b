import { createRequire } from 'node:module';
import { Kafka, logLevel, type LogEntry, type KafkaConfig } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  ssl?: KafkaConfig['ssl'];
  sasl?: KafkaConfig['sasl'];
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'debug',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Broker errors that only say the cluster is still settling: on a fresh broker the group coordinator
 * and the partition leaders appear a few seconds after the first request, and they move when a broker
 * restarts. kafkajs marks them retriable and retries them itself. (Its other retriable errors, such as
 * a timeout, a disk error or too few in-sync replicas, stay errors.)
 */
export const SETTLING_ERRORS = [
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'GROUP_LOAD_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'REPLICA_NOT_AVAILABLE',
  'NOT_CONTROLLER',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
  'PREFERRED_LEADER_NOT_AVAILABLE',
  'ELIGIBLE_LEADERS_NOT_AVAILABLE',
] as const;

/**
 * Not retriable for kafkajs, but handled by it: the consumer re-joins the group, and its Runner says so
 * at warn; the connection's own ERROR line about the same response is a duplicate.
 */
export const REJOIN_ERRORS = ['REBALANCE_IN_PROGRESS'] as const;

/**
 * Their messages, from kafkajs's own error table (src/protocol/error.js, not re-exported by its index;
 * kafkajs is pinned at 2.2.4 by patches/), as kafkajs logs them; settling ones only if it retries them.
 */
const SETTLING_MESSAGES: readonly string[] = (
  createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
    errorCodes: { type: string; retriable: boolean; message: string }[];
  }
).errorCodes
  .filter(
    (e) =>
      (e.retriable && (SETTLING_ERRORS as readonly string[]).includes(e.type)) ||
      (REJOIN_ERRORS as readonly string[]).includes(e.type),
  )
  .map((e) => e.message);

/** Logged by the consumer only before it restarts itself after a retriable crash. */
const RESTARTING = /^Restarting the consumer in \d+ms$/;

/**
 * Our pino level for a kafkajs log entry. kafkajs's info is our debug. An ERROR about a settling
 * cluster (SETTLING_ERRORS) or a rebalance (REJOIN_ERRORS) is info, as is the consumer's restart after one: kafkajs retries them
 * itself, and a new user should not read a broker's first seconds as failures. Should the retries run
 * out, the caller's own error (a failed start, a failed send) says so.
 */
export function kafkaLogLevel(
  level: logLevel,
  message: string,
  fields: Record<string, unknown> = {},
): 'error' | 'warn' | 'info' | 'debug' {
  const pinoLevel = LEVELS[level] ?? 'debug';
  if (pinoLevel !== 'error') return pinoLevel;
  const error = typeof fields.error === 'string' ? fields.error : '';
  const settling =
    RESTARTING.test(message) || SETTLING_MESSAGES.some((m) => message.includes(m) || error.includes(m));
  return settling ? 'info' : 'error';
}

/** A kafkajs client whose own logs go through our pino logger, at the levels of `kafkaLogLevel`. */
export function createKafka(options: KafkaClientOptions, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: options.ssl,
    sasl: options.sasl,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log, namespace }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
        kafkaLogger[kafkaLogLevel(level, message, fields)]({ namespace, ...fields }, message);
      },
  });
}

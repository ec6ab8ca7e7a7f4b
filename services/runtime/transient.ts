import { SlaStoreError } from '../adapters/redis/sla-status.js';

/**
 * The one place that says which failures of a group's Redis call or produce call are worth waiting
 * for. Only known transient ones are: the partition pauses and the call is retried. Anything else is
 * taken to be the fault of some message of the group (isolate-failures.ts finds which) or, for the few
 * errors no message can cause, fatal to the consumer.
 */
export function isTransientRedisError(error: unknown): boolean {
  return error instanceof SlaStoreError && error.retriable;
}

/** kafkajs marks its transient errors `retriable`; our producer re-sends those and gives up with the last. */
export function isTransientKafkaError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'KafkaJSNumberOfRetriesExceeded' || (error as { retriable?: unknown }).retriable === true
  );
}

/**
 * Broker refusals that no message can cause, so that dead-lettering message after message would only
 * empty the topic into the DLQ: the consumer stops instead (/healthz fails, the process is restarted).
 */
const GROUP_WIDE_KAFKA_ERRORS = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
]);

/** The kafkajs protocol error type (MESSAGE_TOO_LARGE, ...) of an error or of what it wraps. */
export function kafkaErrorType(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string') return type;
  }
  return undefined;
}

export function isGroupWideKafkaError(error: unknown): boolean {
  const type = kafkaErrorType(error);
  return type !== undefined && GROUP_WIDE_KAFKA_ERRORS.has(type);
}

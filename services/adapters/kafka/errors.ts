/**
 * What a kafkajs error says about itself. kafkajs marks its transient errors `retriable`; a send made
 * with `retries: 0` reports a retriable failure as "retries exceeded". runtime/errors.ts `isRetriable`
 * builds the one decision for every error on these.
 */
export function isRetriableKafkaError(error: unknown): boolean {
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

import { ContractError } from '../core/contracts/index.js';
import { isGroupWideKafkaError, isRetriableKafkaError } from '../adapters/kafka/errors.js';
import { SlaStoreError, toSlaStoreError } from '../adapters/redis/sla-status.js';
import { RegistryUnavailableError } from '../adapters/registry/errors.js';

export { isGroupWideKafkaError, kafkaErrorType } from '../adapters/kafka/errors.js';

/**
 * The one place that says which failures are worth waiting for. Only known transient ones are: a
 * Redis call that got no reply or a "not now" reply (SlaStoreError.retriable, ioredis errors classified
 * the same way), a kafkajs error marked `retriable`, a Schema Registry that does not answer (its "no
 * such id" is the message's fault and never gets here). Anything else is taken to be the fault of some
 * message (isolate-failures.ts finds which) or, for the few errors no message can cause
 * (`isGroupWide`), fatal to the consumer. A ContractError is never retriable: the same bytes fail the
 * same way.
 */
export function isRetriable(error: unknown): boolean {
  if (error instanceof ContractError) return false;
  if (error instanceof SlaStoreError) return error.retriable;
  if (error instanceof RegistryUnavailableError) return true;
  if (error instanceof Error && error.name === 'ReplyError') return toSlaStoreError(error, 'redis').retriable;
  return isRetriableKafkaError(error);
}

/**
 * A failure no message can be blamed for, as opposed to a message's own: retrying it is pointless and
 * dead-lettering message after message would empty the topic into the DLQ.
 */
export function isGroupWide(error: unknown): boolean {
  return error instanceof ConsumerStopError || isGroupWideKafkaError(error);
}

/**
 * A failure no message can be blamed for and no retry can mend. `retriable: false` tells kafkajs not to
 * retry the batch nor restart the consumer (a plain Error would be retried and the consumer restarted
 * in a loop): the consumer stops for good, and /healthz fails.
 */
export class ConsumerStopError extends Error {
  readonly retriable = false;
  override readonly name = 'ConsumerStopError';
}

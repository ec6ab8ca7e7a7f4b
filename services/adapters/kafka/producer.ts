import {
  Partitioners,
  type Kafka,
  type Message,
  type Producer,
  type ProducerBatch,
  type RecordMetadata,
  type TopicMessages,
} from 'kafkajs';
import { retry as retryWithBackoff } from '../../core/retry/backoff.js';
import { isRetriableKafkaError } from './errors.js';

export interface SendRetryOptions {
  /** Give up (throw the last error) once a send has failed for this long. */
  giveUpAfterMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Told before each re-send (for a log line and a retry metric: a re-send may write duplicates). */
  onResend?: (error: Error, attempt: number, delayMs: number) => void;
  /** Bytes of messages per produce request at most (MAX_REQUEST_BYTES). */
  maxRequestBytes?: number;
}

/**
 * A send is split into produce requests of at most this many bytes of messages, sent one after another.
 * The broker refuses a partition's record batch over `message.max.bytes` (1 MiB by default) for good,
 * so a large send to a topic with few partitions would otherwise fail at every attempt; kafkajs does not
 * split. Under the default whatever the partition count.
 */
export const MAX_REQUEST_BYTES = 900_000;
/** Record framing per message, beyond its key, value and headers (an overestimate). */
const RECORD_OVERHEAD_BYTES = 32;

const DEFAULT_SEND_RETRY: SendRetryOptions = {
  giveUpAfterMs: 30_000,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
};

/**
 * Our producers send with acks from all in-sync replicas (set per send) and the Java client's murmur2
 * partitioner, so that a key lands on the same partition whoever produces it.
 *
 * They are deliberately not kafkajs-idempotent, and kafkajs itself never retries a send: kafkajs 2.2.4
 * keeps, across the retries of one `send`, the brokers that already answered, and after a leader change
 * it skips the partitions that moved to one of them, so `send` resolves although those messages were
 * never written (docs/faults.md section 3; `tools/repro/idempotent-loss.ts` loses one batch's
 * share of the dead leader's partitions at every broker kill, idempotent or not). An idempotent producer
 * requires kafkajs retries, so it cannot avoid that. Instead a failed send is sent again whole, here:
 * every attempt is a fresh kafkajs send to the current leaders of every partition. A partition that was
 * written before another failed is written twice; every consumer of our topics is idempotent (comments
 * and classified output by key and transition, alerts by `alert_id`, the DLQ by key).
 */
export function createReliableProducer(kafka: Kafka, retry: Partial<SendRetryOptions> = {}): Producer {
  return resendingWhole(
    kafka.producer({
      retry: { retries: 0 },
      // One request per broker at a time: a caller that awaits each send keeps each partition in order.
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    }),
    retry,
  );
}

/** A producer for tools, tests and the demo: the same whole-send retry, requests not limited. */
export function createPlainProducer(kafka: Kafka, retry: Partial<SendRetryOptions> = {}): Producer {
  return resendingWhole(
    kafka.producer({ retry: { retries: 0 }, createPartitioner: Partitioners.DefaultPartitioner }),
    retry,
  );
}

const bytesOf = (data: Buffer | string | null | undefined): number =>
  data == null ? 0 : typeof data === 'string' ? Buffer.byteLength(data) : data.length;

function messageBytes(message: Message): number {
  let bytes = RECORD_OVERHEAD_BYTES + bytesOf(message.key) + bytesOf(message.value);
  for (const [key, value] of Object.entries(message.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) bytes += Buffer.byteLength(key) + bytesOf(one);
  }
  return bytes;
}

/**
 * Splits the topics' messages, in order, into batches of at most `maxBytes` of messages each (a single
 * larger message goes alone); the other fields of the batch are kept in each.
 */
export function splitByBytes(batch: ProducerBatch, maxBytes: number): ProducerBatch[] {
  const parts: ProducerBatch[] = [];
  let current: TopicMessages[] = [];
  let currentBytes = 0;
  const flush = () => {
    if (current.length > 0) parts.push({ ...batch, topicMessages: current });
    current = [];
    currentBytes = 0;
  };
  for (const { topic, messages } of batch.topicMessages ?? []) {
    let run: Message[] = [];
    for (const message of messages) {
      const bytes = messageBytes(message);
      if (currentBytes + bytes > maxBytes && currentBytes > 0) {
        if (run.length > 0) current.push({ topic, messages: run });
        run = [];
        flush();
      }
      run.push(message);
      currentBytes += bytes;
    }
    if (run.length > 0) current.push({ topic, messages: run });
  }
  flush();
  return parts;
}

function resendingWhole(producer: Producer, retry: Partial<SendRetryOptions>): Producer {
  const options = { ...DEFAULT_SEND_RETRY, ...retry };
  const maxBytes = options.maxRequestBytes ?? MAX_REQUEST_BYTES;
  // The one retry policy (core/retry), bounded in time: a caller above may retry longer (the worker does,
  // with fetching paused), but a tool or the sweeper must not hang on a broker that is gone.
  const withRetry = <T>(operation: () => Promise<T>): Promise<T> =>
    retryWithBackoff(operation, {
      isRetriable: isRetriableKafkaError,
      initialDelayMs: options.initialDelayMs,
      maxDelayMs: options.maxDelayMs,
      giveUpAfterMs: options.giveUpAfterMs,
      onRetry: (error, attempt, delayMs) => options.onResend?.(error as Error, attempt, delayMs),
    });
  // Parts go one after another, each retried whole: a partition's messages stay in their order.
  const sendBatch = async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
    const parts = splitByBytes(batch, maxBytes);
    if (parts.length === 1) return withRetry(() => producer.sendBatch(parts[0] as ProducerBatch));
    const metadata: RecordMetadata[] = [];
    for (const part of parts) metadata.push(...(await withRetry(() => producer.sendBatch(part))));
    return metadata;
  };
  return {
    ...producer,
    send: ({ topic, messages, ...rest }) => sendBatch({ ...rest, topicMessages: [{ topic, messages }] }),
    sendBatch,
  };
}

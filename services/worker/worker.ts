import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { createReliableProducer } from '../adapters/kafka/producer.js';
import type { Logger } from 'pino';
import { createCommentDecoder, type ContractLimits } from '../core/contracts/index.js';
import type { PlanOptions } from '../core/sla/plan.js';
import type { PolicyConfig } from '../core/sla/policy.js';
import type { SlaStore } from '../adapters/redis/sla-store.js';
import { SlaStoreError } from '../adapters/redis/sla-status.js';
import { prepareBatch, type InputMessage, type OutputMessage, type PreparedBatch } from './prepare-batch.js';
import { retryWhileRetriable } from './retry.js';
import type { Metrics } from '../observability/metrics.js';
import { ChunkGroups, type PendingChunk } from './chunk-group.js';
import { recordGroupMetrics } from './group-metrics.js';

/** Messages per chunk: one partition's share of a Redis call and a produce request. */
const DEFAULT_CHUNK_SIZE = 1000;
/**
 * kafkajs runs this many partitions' handlers at once; their chunks are confirmed together, so it
 * should cover every partition a worker may be assigned.
 */
export const DEFAULT_PARTITIONS_CONCURRENCY = 16;
/**
 * How long the broker may hold a fetch when there is nothing to read. Data is returned as soon as
 * there is any (minBytes 1), so this does not delay events; it bounds how long stopping the consumer
 * waits for the fetch in flight.
 */
export const DEFAULT_MAX_WAIT_MS = 500;

interface RetryContext {
  shouldStop: () => boolean;
  heartbeat: () => Promise<void>;
}

export interface WorkerTopics {
  comments: string;
  classified: string;
  dlq: string;
}

export interface WorkerOptions {
  kafka: Kafka;
  store: SlaStore;
  logger: Logger;
  groupId: string;
  topics: WorkerTopics;
  policies: PolicyConfig;
  plan: PlanOptions;
  limits?: Partial<ContractLimits>;
  /** Bytes of a comment's text the classifier reads (classifier.maxTextBytes). */
  classifierMaxTextBytes?: number;
  /** Messages handled per Redis pipeline and produce call. */
  chunkSize?: number;
  partitionsConsumedConcurrently?: number;
  /** Longest time the broker holds an empty fetch (kafkajs maxWaitTimeInMs). */
  maxWaitTimeMs?: number;
  /** A cheap health probe sent before a failed Redis call is retried (PING). */
  pingRedis?: () => Promise<unknown>;
  fromBeginning?: boolean;
  /** Called after each committed chunk (tests and the demo watch progress with it). */
  onChunkCommitted?: (info: { partition: number; lastOffset: string; processed: number }) => void;
  metrics?: Metrics;
}

async function timed<T>(endTimer: (() => number) | undefined, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } finally {
    endTimer?.();
  }
}

/**
 * Consumes comments, classifies them, applies their SLA transitions in Redis and publishes the results.
 * A chunk's offsets are committed only after its Redis scripts and its output messages are confirmed.
 */
export class CommentWorker {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private closing: Promise<void> | undefined;
  private stopping = false;
  private joined = false;
  /** Chunks currently retrying; fetching stays paused while any is. */
  private failing = 0;
  private readonly log: Logger;
  private readonly decode: ReturnType<typeof createCommentDecoder>;
  private readonly groups = new ChunkGroups((chunks) => this.confirmGroup(chunks));

  constructor(private readonly options: WorkerOptions) {
    this.log = options.logger.child({ component: 'worker' });
    this.decode = createCommentDecoder(options.limits);
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    this.producer = createReliableProducer(kafka, {
      onResend: (err, attempt, delayMs) => {
        this.options.metrics?.retries.inc({ target: 'kafka' });
        this.log.warn({ err: err.message, attempt, delayMs }, 'produce failed; sending it again whole');
      },
    });
    await this.producer.connect();
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      minBytes: 1,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? DEFAULT_MAX_WAIT_MS,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    this.consumer.on(this.consumer.events.CRASH, () => {
      this.joined = false;
    });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topic: topics.comments,
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently:
        this.options.partitionsConsumedConcurrently ?? DEFAULT_PARTITIONS_CONCURRENCY,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.log.info({ groupId, topic: topics.comments }, 'worker started');
  }

  /** Parts that are not ready, for /readyz. */
  notReady(): string[] {
    if (this.stopping) return ['worker stopping'];
    return this.joined ? [] : ['worker has not joined its consumer group'];
  }

  /**
   * A fetched batch is cut into chunks. While one chunk's group is in Redis and the broker, the next
   * chunk is decoded, classified and encoded, so CPU and I/O overlap; it is submitted only once the one
   * before it is confirmed (a later chunk's commit must never cover an earlier chunk that failed).
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale } = payload;
    const chunkSize = this.options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const messages = batch.messages;
    const canGoOn = () => isRunning() && !isStale() && !this.stopping;
    let inFlight: { confirmed: Promise<void>; lastOffset: string; size: number } | undefined;
    for (let start = 0; start < messages.length && canGoOn(); start += chunkSize) {
      const chunk = messages.length <= chunkSize ? messages : messages.slice(start, start + chunkSize);
      const prepared = this.prepare(batch.topic, batch.partition, chunk);
      if (inFlight) {
        await inFlight.confirmed;
        this.chunkCommitted(batch.partition, inFlight);
        inFlight = undefined;
        if (!canGoOn()) break;
      }
      const lastOffset = (chunk[chunk.length - 1] as { offset: string }).offset;
      const confirmed = this.groups.submit({ prepared, payload, lastOffset });
      // Awaited below; until then a failure must not count as an unhandled rejection.
      confirmed.catch(() => undefined);
      inFlight = { confirmed, lastOffset, size: chunk.length };
      // Let the other partitions' handlers add their chunks and the group go out before this handler
      // prepares its next chunk.
      if (start + chunkSize < messages.length) await new Promise((resolve) => setImmediate(resolve));
    }
    if (inFlight) {
      await inFlight.confirmed;
      this.chunkCommitted(batch.partition, inFlight);
    }
    this.options.metrics?.consumerLag.set(
      { topic: batch.topic, partition: String(batch.partition) },
      Number(batch.offsetLag()),
    );
  }

  private prepare(topic: string, partition: number, chunk: InputMessage[]): PreparedBatch {
    const prepared = prepareBatch(chunk, {
      topic,
      partition,
      decode: this.decode,
      policies: this.options.policies,
      plan: this.options.plan,
      classifierMaxTextBytes: this.options.classifierMaxTextBytes,
      nowMs: Date.now(),
    });
    for (const dead of prepared.deadLetterCodes) {
      this.log.warn(
        { topic, partition, offset: dead.offset, code: dead.code },
        'message sent to the dead-letter topic',
      );
    }
    return prepared;
  }

  private chunkCommitted(partition: number, chunk: { lastOffset: string; size: number }): void {
    this.options.onChunkCommitted?.({ partition, lastOffset: chunk.lastOffset, processed: chunk.size });
  }

  /**
   * Makes a group of chunks durable: the Redis scripts of all its chunks in one call, then their output
   * messages in one produce request, and only when both are confirmed are the offsets resolved and
   * committed, in one request for every partition of the group.
   */
  private async confirmGroup(chunks: PendingChunk[]): Promise<void> {
    const metrics = this.options.metrics;
    const endTimer = metrics?.batchDuration.startTimer();
    const first = (chunks[0] as PendingChunk).payload;
    const single = chunks.length === 1 ? (chunks[0] as PendingChunk).prepared : undefined;
    const commands = single ? single.slaCommands : chunks.flatMap((c) => c.prepared.slaCommands);
    const classified = single ? single.classified : chunks.flatMap((c) => c.prepared.classified);
    const deadLetters = single ? single.deadLetters : chunks.flatMap((c) => c.prepared.deadLetters);
    const retry: RetryContext = {
      // Retrying stops only when no chunk of the group can still be committed.
      shouldStop: () => chunks.every((c) => !c.payload.isRunning() || c.payload.isStale()),
      heartbeat: () => first.heartbeat(),
    };

    let redisAttempts = 0;
    const outcomes = await this.withRetry('redis', retry, async () => {
      // After a failure (a command timeout, say), a cheap PING must pass before the whole pipeline is
      // sent again: a struggling Redis gets one small command, not a storm of large ones.
      if (redisAttempts++ > 0 && this.options.pingRedis) await this.options.pingRedis();
      return timed(metrics?.redisLatency.startTimer({ operation: 'apply' }), () =>
        this.options.store.apply(commands),
      );
    });
    // Outputs only after their SLA transitions: a published classification is always registered.
    await this.withRetry('kafka', retry, () =>
      timed(metrics?.produceLatency.startTimer({ role: 'worker' }), () => this.send(classified, deadLetters)),
    );

    for (const chunk of chunks) chunk.payload.resolveOffset(chunk.lastOffset);
    await first.commitOffsetsIfNecessary(first.uncommittedOffsets());
    endTimer?.();
    if (metrics) recordGroupMetrics(metrics, this.options.topics.comments, chunks, outcomes);
    if (this.log.isLevelEnabled('debug')) {
      this.log.debug(
        { chunks: chunks.length, events: commands.length, outputs: classified.length + deadLetters.length },
        'chunk group committed',
      );
    }
  }

  /**
   * Back-pressure: while Redis or the broker fails, fetching pauses (nothing more is read into memory),
   * the call is retried with capped backoff (every step is idempotent), and fetching resumes after.
   */
  private async withRetry<T>(
    target: 'redis' | 'kafka',
    context: RetryContext,
    operation: () => Promise<T>,
  ): Promise<T> {
    let pausedHere = false;
    try {
      return await retryWhileRetriable(operation, {
        isRetriable: (e) => (e instanceof SlaStoreError ? e.retriable : true),
        shouldStop: context.shouldStop,
        onRetry: async (e, attempt, delayMs) => {
          if (!pausedHere) {
            pausedHere = true;
            if (this.failing++ === 0) {
              this.consumer?.pause([{ topic: this.options.topics.comments }]);
              this.options.metrics?.paused.set(1);
              this.log.warn('fetching paused while retrying');
            }
          }
          this.options.metrics?.retries.inc({ target });
          this.log.warn({ err: (e as Error).message, attempt, delayMs }, `${target} call failed; retrying`);
          await context.heartbeat().catch(() => undefined);
        },
      });
    } finally {
      if (pausedHere && --this.failing === 0) {
        this.consumer?.resume([{ topic: this.options.topics.comments }]);
        this.options.metrics?.paused.set(0);
        this.log.info('fetching resumed');
      }
    }
  }

  /** One produce request for the whole group, whatever partitions its outputs go to. */
  private async send(classified: OutputMessage[], deadLetters: OutputMessage[]): Promise<void> {
    if (!this.producer) return;
    const topicMessages = [];
    if (classified.length > 0)
      topicMessages.push({ topic: this.options.topics.classified, messages: classified });
    if (deadLetters.length > 0) topicMessages.push({ topic: this.options.topics.dlq, messages: deadLetters });
    if (topicMessages.length === 0) return;
    await this.producer.sendBatch({ topicMessages, acks: -1 });
  }

  /** Idempotent: stop fetching, let the chunk in flight finish and commit, then disconnect. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true;
      await this.consumer?.disconnect();
      await this.producer?.disconnect();
      this.log.info('worker stopped');
    })();
    return this.closing;
  }
}

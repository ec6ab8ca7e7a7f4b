import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { createReliableProducer } from '../adapters/kafka/producer.js';
import type { Logger } from 'pino';
import { createCommentDecoder, type ContractLimits } from '../core/contracts/index.js';
import type { PlanOptions } from '../core/sla/plan.js';
import type { PolicyConfig } from '../core/sla/policy.js';
import type { SlaStore } from '../adapters/redis/sla-store.js';
import { SlaStoreError } from '../adapters/redis/sla-status.js';
import { prepareBatch, type OutputMessage } from './prepare-batch.js';
import { retryWhileRetriable } from './retry.js';
import type { Metrics } from '../observability/metrics.js';

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
  /** Messages handled per Redis pipeline and produce call. */
  chunkSize?: number;
  partitionsConsumedConcurrently?: number;
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

  constructor(private readonly options: WorkerOptions) {
    this.log = options.logger.child({ component: 'worker' });
    this.decode = createCommentDecoder(options.limits);
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    this.producer = createReliableProducer(kafka);
    await this.producer.connect();
    this.consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
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
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.log.info({ groupId, topic: topics.comments }, 'worker started');
  }

  /** Parts that are not ready, for /readyz. */
  notReady(): string[] {
    if (this.stopping) return ['worker stopping'];
    return this.joined ? [] : ['worker has not joined its consumer group'];
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const chunkSize = this.options.chunkSize ?? 1000;
    const metrics = this.options.metrics;
    const log = this.log.child({ topic: batch.topic, partition: batch.partition });
    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      if (!isRunning() || isStale() || this.stopping) break;
      const endTimer = metrics?.batchDuration.startTimer();
      const chunk = batch.messages.slice(start, start + chunkSize);
      const prepared = prepareBatch(chunk, {
        topic: batch.topic,
        partition: batch.partition,
        decode: this.decode,
        policies: this.options.policies,
        plan: this.options.plan,
        nowMs: Date.now(),
      });
      for (const dead of prepared.deadLetterCodes) {
        log.warn({ offset: dead.offset, code: dead.code }, 'message sent to the dead-letter topic');
      }

      const outcomes = await this.withRetry('redis', payload, log, () =>
        timed(metrics?.redisLatency.startTimer({ operation: 'apply' }), () =>
          this.options.store.apply(prepared.slaCommands),
        ),
      );
      await this.withRetry('kafka', payload, log, () =>
        timed(metrics?.produceLatency.startTimer({ role: 'worker' }), () =>
          this.send([
            { topic: this.options.topics.classified, messages: prepared.classified },
            { topic: this.options.topics.dlq, messages: prepared.deadLetters },
          ]),
        ),
      );

      const lastOffset = (chunk[chunk.length - 1] as { offset: string }).offset;
      resolveOffset(lastOffset);
      await heartbeat();
      await commitOffsetsIfNecessary();
      endTimer?.();
      if (metrics) {
        metrics.messagesIn.inc({ topic: batch.topic }, chunk.length);
        for (const [category, n] of Object.entries(prepared.stats.categories))
          metrics.classified.inc({ category }, n);
        for (const { code } of prepared.deadLetterCodes) metrics.deadLettered.inc({ code });
        for (const outcome of outcomes) metrics.slaTransitions.inc({ outcome });
      }
      log.debug(
        { lastOffset, processed: chunk.length, deadLettered: prepared.stats.deadLettered },
        'chunk committed',
      );
      this.options.onChunkCommitted?.({ partition: batch.partition, lastOffset, processed: chunk.length });
    }
    metrics?.consumerLag.set(
      { topic: batch.topic, partition: String(batch.partition) },
      Number(batch.offsetLag()),
    );
  }

  /**
   * Back-pressure: while Redis or the broker fails, fetching pauses (nothing more is read into memory),
   * the chunk is retried with capped backoff (every step is idempotent), and fetching resumes after.
   */
  private async withRetry<T>(
    target: 'redis' | 'kafka',
    payload: EachBatchPayload,
    log: Logger,
    operation: () => Promise<T>,
  ): Promise<T> {
    let pausedHere = false;
    try {
      return await retryWhileRetriable(operation, {
        isRetriable: (e) => (e instanceof SlaStoreError ? e.retriable : true),
        shouldStop: () => !payload.isRunning() || payload.isStale(),
        onRetry: async (e, attempt, delayMs) => {
          if (!pausedHere) {
            pausedHere = true;
            if (this.failing++ === 0) {
              this.consumer?.pause([{ topic: this.options.topics.comments }]);
              this.options.metrics?.paused.set(1);
              log.warn('fetching paused while retrying');
            }
          }
          this.options.metrics?.retries.inc({ target });
          log.warn({ err: (e as Error).message, attempt, delayMs }, `${target} call failed; retrying`);
          await payload.heartbeat().catch(() => undefined);
        },
      });
    } finally {
      if (pausedHere && --this.failing === 0) {
        this.consumer?.resume([{ topic: this.options.topics.comments }]);
        this.options.metrics?.paused.set(0);
        log.info('fetching resumed');
      }
    }
  }

  private async send(topicMessages: { topic: string; messages: OutputMessage[] }[]): Promise<void> {
    const nonEmpty = topicMessages.filter((t) => t.messages.length > 0);
    if (nonEmpty.length === 0 || !this.producer) return;
    await this.producer.sendBatch({ topicMessages: nonEmpty, acks: -1 });
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

import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { createReliableProducer } from '../../adapters/kafka/producer.js';
import type { Logger } from 'pino';
import {
  boundDeadLetter,
  createCommentDecoder,
  DLQ_CODE_HEADER,
  DLQ_MESSAGE_HEADER,
  type ContractLimits,
  type OutgoingHeaders,
} from '../../core/contracts/index.js';
import type { SlaCommand, SlaOutcome } from '../../core/sla/commands.js';
import type { PlanOptions } from '../../core/sla/plan.js';
import type { PolicyConfig } from '../../core/sla/policy.js';
import type { SlaStore } from '../../adapters/redis/store/sla-store.js';
import { toSlaStoreError } from '../../adapters/redis/sla-status.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  deadLetterOf,
  prepareBatch,
  processingFailure,
  type InputMessage,
  type OutputMessage,
  type PreparedBatch,
} from './prepare-batch.js';
import { retryWhileRetriable } from '../../runtime/retry.js';
import { isolateFailures } from './isolate-failures.js';
import { ConsumerStopError, isGroupWide, isRetriable } from '../../runtime/errors.js';
import type { Metrics } from '../../runtime/observability/metrics.js';
import { ChunkGroups, type PendingChunk } from '../../runtime/consumer/chunk-group.js';
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
/** /readyz fails once fetching has been paused this long. */
export const DEFAULT_READY_MAX_PAUSE_MS = 60_000;
/** A dead letter refused even when truncated to this is not written at all: the consumer stops. */
const LAST_RESORT_DEAD_LETTER_BYTES = 16_384;

/** Why a worker is not ready: the `reason` label of otklik_worker_not_ready. */
export const NOT_READY_REASONS = ['not_joined', 'consumer_crashed', 'paused_too_long', 'stopping'] as const;
export type NotReadyReason = (typeof NOT_READY_REASONS)[number];

/** One output of a group, with the input it came from when it is a classified output. */
interface GroupOutput {
  topic: string;
  message: OutputMessage;
  /** For a classified output: its input, and where that was read (shared by the chunk's outputs). */
  input?: InputMessage;
  from?: { topic: string; partition: number };
}

/** A message of the group whose SLA transition or output failed for good: it becomes a dead letter. */
interface LateFailure {
  message: InputMessage;
  topic: string;
  partition: number;
  error: unknown;
  what: string;
}

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
  /** Largest record written (OTKLIK_MAX_MESSAGE_BYTES): dead letters are truncated to it. */
  maxMessageBytes?: number;
  /** /readyz fails once fetching has stayed paused longer than this (OTKLIK_READY_MAX_PAUSE_MS). */
  readyMaxPauseMs?: number;
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
  /**
   * Created with the worker, never optional: a chunk's offsets are committed only after `send` has put
   * its outputs on the broker, and a send without a producer must not be able to "succeed".
   */
  private readonly producer: Producer;
  private closing: Promise<void> | undefined;
  private stopping = false;
  private joined = false;
  /** Set by a kafkajs CRASH until the consumer joins its group again; `forGood` when kafkajs will not restart it. */
  private crash: { error: string; forGood: boolean } | undefined;
  /** Chunks currently retrying; fetching stays paused while any is. */
  private failing = 0;
  /** When fetching was paused (Date.now()), while it is. */
  private pausedSince: number | undefined;
  private readonly log: Logger;
  private readonly decode: ReturnType<typeof createCommentDecoder>;
  private readonly maxMessageBytes: number;
  private readonly groups = new ChunkGroups((chunks) => this.confirmGroup(chunks));

  constructor(private readonly options: WorkerOptions) {
    this.log = options.logger.child({ component: 'worker' });
    this.decode = createCommentDecoder(options.limits);
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.producer = createReliableProducer(options.kafka, {
      onResend: (err, attempt, delayMs) => {
        this.options.metrics?.retries.inc({ target: 'kafka' });
        this.log.warn({ err: err.message, attempt, delayMs }, 'produce failed; sending it again whole');
      },
    });
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
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
      this.crash = undefined;
    });
    // kafkajs restarts a consumer after a retriable crash (restart: true) and leaves it stopped after any
    // other (restart: false), with the process alive and fetching nothing. The worker does not restart it
    // itself: what escapes a batch now is only what per-message isolation cannot pin on a message (a dead
    // letter the broker refuses even truncated, an authorisation failure, a bug in the worker), and an
    // in-process restart would replay the same chunk into the same failure, with whatever state the
    // failure left in the clients. A stopped consumer fails /healthz instead, so the orchestrator
    // restarts the process: fresh connections, backoff between restarts (CrashLoopBackOff), and a
    // restart count an operator sees. Uncommitted messages are read again by the next process.
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.crash = { error: payload.error.message, forGood: !payload.restart };
      this.log.error(
        { err: payload.error.message, restart: payload.restart },
        payload.restart ? 'consumer crashed; kafkajs restarts it' : 'consumer crashed for good',
      );
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

  /** Why the worker is not ready, with a line for /readyz each; empty when ready. */
  notReadyReasons(nowMs = Date.now()): { reason: NotReadyReason; detail: string }[] {
    if (this.stopping) return [{ reason: 'stopping', detail: 'worker stopping' }];
    const reasons: { reason: NotReadyReason; detail: string }[] = [];
    if (this.crash) {
      reasons.push({
        reason: 'consumer_crashed',
        detail: `consumer crashed${this.crash.forGood ? ' for good' : ', restarting'}: ${this.crash.error}`,
      });
    } else if (!this.joined) {
      reasons.push({ reason: 'not_joined', detail: 'worker has not joined its consumer group' });
    }
    const maxPause = this.options.readyMaxPauseMs ?? DEFAULT_READY_MAX_PAUSE_MS;
    if (this.pausedSince !== undefined && nowMs - this.pausedSince > maxPause) {
      reasons.push({
        reason: 'paused_too_long',
        detail: `fetching paused for ${Math.round((nowMs - this.pausedSince) / 1000)} s (Redis or the broker failing)`,
      });
    }
    return reasons;
  }

  /** Parts that are not ready, for /readyz. */
  notReady(): string[] {
    return this.notReadyReasons().map((r) => r.detail);
  }

  /** Not empty once the consumer has stopped for good: /healthz fails so that the process is restarted. */
  unhealthy(): string[] {
    return this.crash?.forGood && !this.stopping ? [`consumer stopped for good: ${this.crash.error}`] : [];
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
    const nowMs = Date.now();
    const prepared = prepareBatch(chunk, {
      topic,
      partition,
      decode: this.decode,
      policies: this.options.policies,
      plan: this.options.plan,
      classifierMaxTextBytes: this.options.classifierMaxTextBytes,
      nowMs,
      maxMessageBytes: this.maxMessageBytes,
    });
    prepared.deadLetters.forEach((letter, i) => {
      const dead = prepared.deadLetterCodes[i] as { offset: string; code: string };
      // The reason only for our own failures (the decoder's say nothing the code does not).
      const reason = dead.code === 'PROCESSING_FAILED' ? letter.headers?.[DLQ_MESSAGE_HEADER] : undefined;
      this.log.warn(
        {
          topic,
          partition,
          offset: dead.offset,
          code: dead.code,
          ...(reason ? { reason: String(reason) } : {}),
        },
        'message sent to the dead-letter topic',
      );
    });
    return prepared;
  }

  private chunkCommitted(partition: number, chunk: { lastOffset: string; size: number }): void {
    this.options.onChunkCommitted?.({ partition, lastOffset: chunk.lastOffset, processed: chunk.size });
  }

  /**
   * Makes a group of chunks durable: the Redis scripts of all its chunks in one call, then their output
   * messages in one produce request, and only when both are confirmed are the offsets resolved and
   * committed, in one request for every partition of the group.
   *
   * Known transient failures pause fetching and are retried. A failure for good is pinned on the
   * messages responsible (isolate-failures.ts): they become PROCESSING_FAILED dead letters, everything
   * else of the group is applied and published, and the partitions move on.
   */
  private async confirmGroup(chunks: PendingChunk[]): Promise<void> {
    const metrics = this.options.metrics;
    const endTimer = metrics?.batchDuration.startTimer();
    const first = (chunks[0] as PendingChunk).payload;
    const single = chunks.length === 1 ? (chunks[0] as PendingChunk).prepared : undefined;
    const commands = single ? single.slaCommands : chunks.flatMap((c) => c.prepared.slaCommands);
    const retry: RetryContext = {
      // Retrying stops only when no chunk of the group can still be committed.
      shouldStop: () => chunks.every((c) => !c.payload.isRunning() || c.payload.isStale()),
      heartbeat: () => first.heartbeat(),
    };

    const redis = await this.applyIsolating(commands, retry);
    const failures: LateFailure[] = [];
    if (redis.failed.length > 0) {
      const sources = chunks.flatMap((c) =>
        c.prepared.commandSources.map((message) => ({ message, batch: c.payload.batch })),
      );
      for (const { index, error } of redis.failed) {
        const { message, batch } = sources[index] as (typeof sources)[number];
        failures.push({
          message,
          topic: batch.topic,
          partition: batch.partition,
          error,
          what: 'SLA transition',
        });
      }
    }
    // Outputs only after their SLA transitions: a published classification is always registered, so a
    // message whose transition failed publishes its dead letter instead of its classification.
    const refused = new Set(failures.map((f) => f.message));
    const outputs = this.outputsOf(chunks, refused);
    for (const failure of failures) outputs.push(this.lateDeadLetter(failure));
    const late = await this.sendIsolating(outputs, retry);
    failures.push(...late);

    for (const chunk of chunks) chunk.payload.resolveOffset(chunk.lastOffset);
    await first.commitOffsetsIfNecessary(first.uncommittedOffsets());
    endTimer?.();
    const outcomes = redis.results.filter((o): o is SlaOutcome => o !== undefined);
    if (metrics) {
      recordGroupMetrics(metrics, this.options.topics.comments, chunks, outcomes);
      if (failures.length > 0) metrics.deadLettered.inc({ code: 'PROCESSING_FAILED' }, failures.length);
    }
    if (this.log.isLevelEnabled('debug')) {
      this.log.debug(
        { chunks: chunks.length, events: commands.length, outputs: outputs.length },
        'chunk group committed',
      );
    }
  }

  /** The group's SLA transitions; those Redis refuses for good are found and returned as failed. */
  private applyIsolating(commands: readonly SlaCommand[], retry: RetryContext) {
    const metrics = this.options.metrics;
    let redisAttempts = 0;
    return isolateFailures(
      commands,
      (part) =>
        this.withRetry('redis', retry, isRetriable, async () => {
          // After a failure (a command timeout, say), a cheap PING must pass before the whole pipeline is
          // sent again: a struggling Redis gets one small command, not a storm of large ones.
          if (redisAttempts++ > 0 && this.options.pingRedis) {
            // A failed PING is Redis failing, never a message's fault: classified as the store does.
            await this.options.pingRedis().catch((e: unknown) => {
              throw toSlaStoreError(e, 'ping');
            });
          }
          return timed(metrics?.redisLatency.startTimer({ operation: 'apply' }), () =>
            this.options.store.apply(part),
          );
        }),
      {
        // A transient error thrown here means retrying was stopped (the partitions were revoked).
        isolates: (error) => !isRetriable(error),
        onSplit: (error, size) =>
          this.log.warn(
            { err: (error as Error).message, transitions: size },
            'Redis refused part of a group for good; applying it in halves to find the transitions to blame',
          ),
      },
    );
  }

  /** The classified outputs (minus those of `refused` inputs) and dead letters of the group, in order. */
  private outputsOf(chunks: readonly PendingChunk[], refused: ReadonlySet<InputMessage>): GroupOutput[] {
    const { classified, dlq } = this.options.topics;
    const outputs: GroupOutput[] = [];
    for (const { prepared, payload } of chunks) {
      const from = { topic: payload.batch.topic, partition: payload.batch.partition };
      prepared.classified.forEach((message, i) => {
        const input = prepared.classifiedSources[i] as InputMessage;
        if (refused.size === 0 || !refused.has(input))
          outputs.push({ topic: classified, message, input, from });
      });
    }
    for (const { prepared } of chunks) {
      for (const message of prepared.deadLetters) outputs.push({ topic: dlq, message });
    }
    return outputs;
  }

  private lateDeadLetter(failure: LateFailure): GroupOutput {
    const reason = processingFailure(failure.error, failure.what);
    this.log.warn(
      {
        topic: failure.topic,
        partition: failure.partition,
        offset: failure.message.offset,
        code: reason.code,
        reason: reason.message,
      },
      'message sent to the dead-letter topic',
    );
    return {
      topic: this.options.topics.dlq,
      message: deadLetterOf(failure.message, reason, {
        topic: failure.topic,
        partition: failure.partition,
        nowMs: Date.now(),
        maxMessageBytes: this.maxMessageBytes,
      }),
    };
  }

  /**
   * Sends the group's outputs; an output the broker refuses for good (MESSAGE_TOO_LARGE, say) is found,
   * and replaced: a classified output by its input's dead letter, a dead letter by a copy truncated to a
   * few KiB. Returns the inputs whose classified output became a dead letter. A dead letter refused even
   * then is not written: the group fails and the consumer stops (/healthz fails), nothing is committed.
   */
  private async sendIsolating(outputs: GroupOutput[], retry: RetryContext): Promise<LateFailure[]> {
    const send = (part: readonly GroupOutput[]) =>
      this.withRetry('kafka', retry, isRetriable, () =>
        timed(this.options.metrics?.produceLatency.startTimer({ role: 'worker' }), () => this.send(part)),
      );
    const isolates = (error: unknown) => !isRetriable(error) && !isGroupWide(error);
    const onSplit = (error: unknown, size: number) =>
      this.log.warn(
        { err: (error as Error).message, outputs: size },
        'the broker refused part of a group for good; sending it in halves to find the outputs to blame',
      );
    const { failed } = await isolateFailures(outputs, send, { isolates, onSplit });
    if (failed.length === 0) return [];

    const late: LateFailure[] = [];
    const replacements: GroupOutput[] = [];
    for (const { index, error } of failed) {
      const output = outputs[index] as GroupOutput;
      if (output.input && output.from) {
        const failure = {
          message: output.input,
          ...output.from,
          error,
          what: 'classified output refused by the broker',
        };
        late.push(failure);
        replacements.push(this.lateDeadLetter(failure));
      } else {
        this.log.error(
          { err: (error as Error).message, bytes: LAST_RESORT_DEAD_LETTER_BYTES },
          'the broker refused a dead letter; writing it truncated to a few KiB',
        );
        replacements.push({ topic: output.topic, message: this.lastResort(output.message) });
      }
    }
    const second = await isolateFailures(replacements, send, { isolates, onSplit });
    if (second.failed.length > 0) {
      const { error } = second.failed[0] as { error: unknown };
      throw new ConsumerStopError(
        `the broker refused a dead letter even truncated: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    return late;
  }

  private lastResort(message: OutputMessage): OutputMessage {
    const headers = (message.headers ?? {}) as OutgoingHeaders;
    if (headers[DLQ_CODE_HEADER] === undefined) return message;
    return boundDeadLetter(
      { key: message.key, value: message.value, headers },
      LAST_RESORT_DEAD_LETTER_BYTES,
    );
  }

  /**
   * Back-pressure: while Redis or the broker fails in a known transient way, fetching pauses (nothing
   * more is read into memory), the call is retried with capped backoff (every step is idempotent), and
   * fetching resumes after. Any other error is thrown at once.
   */
  private async withRetry<T>(
    target: 'redis' | 'kafka',
    context: RetryContext,
    isTransient: (error: unknown) => boolean,
    operation: () => Promise<T>,
  ): Promise<T> {
    let pausedHere = false;
    try {
      return await retryWhileRetriable(operation, {
        isRetriable: isTransient,
        shouldStop: context.shouldStop,
        onRetry: async (e, attempt, delayMs) => {
          if (!pausedHere) {
            pausedHere = true;
            if (this.failing++ === 0) {
              this.consumer?.pause([{ topic: this.options.topics.comments }]);
              this.pausedSince = Date.now();
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
        this.pausedSince = undefined;
        this.options.metrics?.paused.set(0);
        this.log.info('fetching resumed');
      }
    }
  }

  /** One produce request for these outputs, whatever topics and partitions they go to. */
  private async send(outputs: readonly GroupOutput[]): Promise<void> {
    if (outputs.length === 0) return;
    const byTopic = new Map<string, OutputMessage[]>();
    for (const { topic, message } of outputs) {
      const messages = byTopic.get(topic);
      if (messages) messages.push(message);
      else byTopic.set(topic, [message]);
    }
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    await this.producer.sendBatch({ topicMessages, acks: -1 });
  }

  /** Idempotent: stop fetching, let the chunk in flight finish and commit, then disconnect. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true;
      await this.consumer?.disconnect();
      await this.producer.disconnect();
      this.log.info('worker stopped');
    })();
    return this.closing;
  }
}

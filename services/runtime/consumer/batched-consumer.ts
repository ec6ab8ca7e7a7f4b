import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { retryWhileRetriable } from '../retry.js';
import { isRetriable } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import { ChunkGroups } from './chunk-group.js';
import type {
  ChunkSource,
  FlushContext,
  GroupChunk,
  InputMessage,
  Processor,
  RetryTarget,
} from './processor.js';

/** Messages per chunk: one partition's share of a group's flush. */
export const DEFAULT_CHUNK_SIZE = 1000;
/**
 * kafkajs runs this many partitions' handlers at once; their chunks are flushed together, so it should
 * cover every partition a consumer may be assigned.
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

/** Why a consumer is not ready: the `reason` label of otklik_worker_not_ready. */
export const NOT_READY_REASONS = ['not_joined', 'consumer_crashed', 'paused_too_long', 'stopping'] as const;
export type NotReadyReason = (typeof NOT_READY_REASONS)[number];

export interface BatchedConsumerOptions<P> {
  kafka: Kafka;
  logger: Logger;
  /** The role's name in logs (`component`). */
  name: string;
  groupId: string;
  /** The topics read; a chunk never mixes two (each is one partition's). */
  topics: readonly string[];
  processor: Processor<P>;
  /** Messages per chunk (one partition's share of a group). */
  chunkSize?: number;
  partitionsConsumedConcurrently?: number;
  /** Longest time the broker holds an empty fetch (kafkajs maxWaitTimeInMs). */
  maxWaitTimeMs?: number;
  /**
   * Most bytes one fetch brings per partition and in all (kafkajs maxBytesPerPartition, 1 MB, and
   * maxBytes, 10 MB, unless told). A chunk is at most one fetch of its partition, so a processor that
   * gains from large groups (the analytics sink) needs larger fetches as well as a larger chunkSize.
   */
  fetchBytes?: { perPartition: number; total: number };
  fromBeginning?: boolean;
  /**
   * How long the group waits for a silent member before moving its partitions (kafkajs default 30 s):
   * after a SIGKILL, the time before the partitions are read again.
   */
  sessionTimeoutMs?: number;
  /** /readyz fails once fetching has stayed paused longer than this (OTKLIK_READY_MAX_PAUSE_MS). */
  readyMaxPauseMs?: number;
  /** Called after each committed chunk (tests and the demo watch progress with it). */
  onChunkCommitted?: (info: { partition: number; lastOffset: string; processed: number }) => void;
  metrics?: Metrics;
}

/** A chunk waiting in a group: what the processor flushes, and what the loop commits after. */
interface PendingChunk<P> extends GroupChunk<P> {
  payload: EachBatchPayload;
  /** Offset of the chunk's last message: resolved once the group is flushed. */
  lastOffset: string;
}

/**
 * The one consumer loop of the roles that read Kafka. It owns everything a processor should not have to
 * get right: cutting fetched batches into chunks, preparing the next chunk while a group is in flight,
 * group commit across partitions, committing offsets only after a flush, pausing fetching while a flush
 * retries, readiness and health, the lag metric, and a stop that drains the group in flight.
 */
export class BatchedConsumer<P> {
  private consumer: Consumer | undefined;
  private closing: Promise<void> | undefined;
  private stopping = false;
  private joined = false;
  /** Set by a kafkajs CRASH until the consumer joins its group again; `forGood` when kafkajs will not restart it. */
  private crash: { error: string; forGood: boolean } | undefined;
  /** Groups currently retrying; fetching stays paused while any is. */
  private failing = 0;
  /** When fetching was paused (Date.now()), while it is. */
  private pausedSince: number | undefined;
  private readonly log: Logger;
  private readonly groups = new ChunkGroups<PendingChunk<P>>((chunks) => this.flushGroup(chunks));

  constructor(private readonly options: BatchedConsumerOptions<P>) {
    this.log = options.logger.child({ component: options.name });
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics, processor } = this.options;
    await processor.start();
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 3)),
      minBytes: 1,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? DEFAULT_MAX_WAIT_MS,
      ...(this.options.fetchBytes
        ? {
            maxBytesPerPartition: this.options.fetchBytes.perPartition,
            maxBytes: this.options.fetchBytes.total,
          }
        : {}),
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.crash = undefined;
      if (processor.storedOffsets) void this.seekToStored(payload.memberAssignment);
    });
    // kafkajs restarts a consumer after a retriable crash (restart: true) and leaves it stopped after any
    // other (restart: false), with the process alive and fetching nothing. The loop does not restart it
    // itself: what escapes a flush is only what the processor cannot pin on a message (a dead letter the
    // broker refuses even truncated, an authorisation failure, a bug), and an in-process restart would
    // replay the same chunk into the same failure, with whatever state the failure left in the clients.
    // A stopped consumer fails /healthz instead, so the orchestrator restarts the process: fresh
    // connections, backoff between restarts (CrashLoopBackOff), and a restart count an operator sees.
    // Uncommitted messages are read again by the next process.
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
      topics: [...topics],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently:
        this.options.partitionsConsumedConcurrently ?? DEFAULT_PARTITIONS_CONCURRENCY,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.log.info({ groupId, topics }, `${this.options.name} started`);
  }

  /**
   * For a processor that keeps its offsets with its own state (a sink): the assigned partitions start
   * where its state says, whatever the group committed. A seek applies to the next fetch; what an
   * earlier fetch hands over meanwhile is applied idempotently by such a processor anyway.
   */
  private async seekToStored(assignment: Record<string, number[]>): Promise<void> {
    const assigned = Object.entries(assignment).map(([topic, partitions]) => ({ topic, partitions }));
    try {
      const stored = (await this.options.processor.storedOffsets?.(assigned)) ?? [];
      for (const { topic, partition, offset } of stored) this.consumer?.seek({ topic, partition, offset });
      if (stored.length > 0) this.log.info({ partitions: stored.length }, 'resuming from stored offsets');
    } catch (error) {
      // Without them the group's committed offsets stand: replays are idempotent, only slower.
      this.log.warn({ err: (error as Error).message }, "stored offsets unreadable; using the group's");
    }
  }

  /** Why the consumer is not ready, with a line for /readyz each; empty when ready. */
  notReadyReasons(nowMs = Date.now()): { reason: NotReadyReason; detail: string }[] {
    const name = this.options.name;
    if (this.stopping) return [{ reason: 'stopping', detail: `${name} stopping` }];
    const reasons: { reason: NotReadyReason; detail: string }[] = [];
    if (this.crash) {
      reasons.push({
        reason: 'consumer_crashed',
        detail: `consumer crashed${this.crash.forGood ? ' for good' : ', restarting'}: ${this.crash.error}`,
      });
    } else if (!this.joined) {
      reasons.push({ reason: 'not_joined', detail: `${name} has not joined its consumer group` });
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
   * A fetched batch is cut into chunks. While one chunk's group is being flushed, the next chunk is
   * prepared, so CPU and I/O overlap; it is submitted only once the one before it is committed (a later
   * chunk's commit must never cover an earlier chunk that failed).
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale } = payload;
    const chunkSize = this.options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const messages = batch.messages;
    const source: ChunkSource = { topic: batch.topic, partition: batch.partition };
    const canGoOn = () => isRunning() && !isStale() && !this.stopping;
    let inFlight: { committed: Promise<void>; lastOffset: string; size: number } | undefined;
    for (let start = 0; start < messages.length && canGoOn(); start += chunkSize) {
      const chunk: InputMessage[] =
        messages.length <= chunkSize ? messages : messages.slice(start, start + chunkSize);
      const loading = this.options.processor.preload?.(chunk, this.batchContext(payload));
      if (loading) {
        try {
          await loading;
        } catch (error) {
          // Retrying stopped because the partition was revoked or the consumer stops: nothing of this
          // chunk was done, the next owner reads it again.
          if (!canGoOn()) break;
          throw error;
        }
      }
      const prepared = this.options.processor.prepare(chunk, source);
      if (inFlight) {
        await inFlight.committed;
        this.chunkCommitted(batch.partition, inFlight);
        inFlight = undefined;
        if (!canGoOn()) break;
      }
      const lastOffset = (chunk[chunk.length - 1] as InputMessage).offset;
      const committed = this.groups.submit({ prepared, source, size: chunk.length, payload, lastOffset });
      // Awaited below; until then a failure must not count as an unhandled rejection.
      committed.catch(() => undefined);
      inFlight = { committed, lastOffset, size: chunk.length };
      // Let the other partitions' handlers add their chunks and the group go out before this handler
      // prepares its next chunk.
      if (start + chunkSize < messages.length) await new Promise((resolve) => setImmediate(resolve));
    }
    if (inFlight) {
      await inFlight.committed;
      this.chunkCommitted(batch.partition, inFlight);
    }
    this.options.metrics?.consumerLag.set(
      { topic: batch.topic, partition: String(batch.partition) },
      Number(batch.offsetLag()),
    );
  }

  /** The retry context of one partition's batch (for `preload`): it stops once the batch is stale. */
  private batchContext(payload: EachBatchPayload): FlushContext {
    return {
      retry: (target, operation) =>
        this.retryPaused(target, operation, {
          shouldStop: () => !payload.isRunning() || payload.isStale() || this.stopping,
          heartbeat: () => payload.heartbeat(),
        }),
    };
  }

  private chunkCommitted(partition: number, chunk: { lastOffset: string; size: number }): void {
    this.options.onChunkCommitted?.({ partition, lastOffset: chunk.lastOffset, processed: chunk.size });
  }

  /** The processor's flush, then the offsets of every partition of the group in one commit request. */
  private async flushGroup(chunks: PendingChunk<P>[]): Promise<void> {
    const endTimer = this.options.metrics?.batchDuration.startTimer();
    const first = (chunks[0] as PendingChunk<P>).payload;
    const context: FlushContext = {
      retry: (target, operation) =>
        this.retryPaused(target, operation, {
          // Retrying stops only when no chunk of the group can still be committed.
          shouldStop: () => chunks.every((c) => !c.payload.isRunning() || c.payload.isStale()),
          heartbeat: () => first.heartbeat(),
        }),
    };
    try {
      await this.options.processor.flush(chunks, context);
      for (const chunk of chunks) chunk.payload.resolveOffset(chunk.lastOffset);
      await first.commitOffsetsIfNecessary(first.uncommittedOffsets());
    } finally {
      endTimer?.();
    }
  }

  /**
   * Back-pressure: while a call fails in a known transient way, fetching pauses (nothing more is read
   * into memory), the call is retried with capped backoff, and fetching resumes after.
   */
  private async retryPaused<T>(
    target: RetryTarget,
    operation: () => Promise<T>,
    group: { shouldStop: () => boolean; heartbeat: () => Promise<void> },
  ): Promise<T> {
    let pausedHere = false;
    const { metrics } = this.options;
    const topics = this.options.topics.map((topic) => ({ topic }));
    try {
      return await retryWhileRetriable(operation, {
        isRetriable,
        shouldStop: group.shouldStop,
        onRetry: async (e, attempt, delayMs) => {
          if (!pausedHere) {
            pausedHere = true;
            if (this.failing++ === 0) {
              this.consumer?.pause(topics);
              this.pausedSince = Date.now();
              metrics?.paused.set(1);
              this.log.warn('fetching paused while retrying');
            }
          }
          metrics?.retries.inc({ target });
          this.log.warn({ err: (e as Error).message, attempt, delayMs }, `${target} call failed; retrying`);
          await group.heartbeat().catch(() => undefined);
        },
      });
    } finally {
      if (pausedHere && --this.failing === 0) {
        this.consumer?.resume(topics);
        this.pausedSince = undefined;
        metrics?.paused.set(0);
        this.log.info('fetching resumed');
      }
    }
  }

  /** Idempotent: stop fetching, let the group in flight finish and commit, then close the processor. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true;
      await this.consumer?.disconnect();
      await this.options.processor.close();
      this.log.info(`${this.options.name} stopped`);
    })();
    return this.closing;
  }
}

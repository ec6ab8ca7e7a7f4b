import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { createReliableProducer } from '../../adapters/kafka/producer.js';
import {
  boundDeadLetter,
  createCommentDecoder,
  createOperatorActionDecoder,
  type OperatorActionDecoder,
  DLQ_CODE_HEADER,
  DLQ_MESSAGE_HEADER,
  type ContractCodecs,
  type ContractLimits,
  type OutgoingHeaders,
} from '../../core/contracts/index.js';
import type { SchemaFetcher } from '../../adapters/registry/schema-fetcher.js';
import type { SlaCommand, SlaOutcome } from '../../core/sla/commands.js';
import type { PlanOptions } from '../../core/sla/plan.js';
import type { PolicyConfig } from '../../core/sla/policy.js';
import type { TaxonomyRouter } from '../../core/classifier/taxonomy.js';
import type { SlaStore } from '../../adapters/redis/store/sla-store.js';
import { toSlaStoreError } from '../../adapters/redis/sla-status.js';
import { ConsumerStopError, isGroupWide, isRetriable } from '../../runtime/errors.js';
import type { Metrics } from '../../runtime/observability/metrics.js';
import { preloadThroughLoop } from '../../runtime/schema-readers.js';
import type {
  ChunkSource,
  FlushContext,
  GroupChunk,
  InputMessage,
  Processor,
} from '../../runtime/consumer/processor.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  deadLetterOf,
  prepareBatch,
  processingFailure,
  type OutputMessage,
  type PreparedBatch,
} from './prepare-batch.js';
import { isolateFailures } from './isolate-failures.js';
import { prepareActions } from './prepare-actions.js';
import { recordGroupMetrics } from './group-metrics.js';

/** A dead letter refused even when truncated to this is not written at all: the consumer stops. */
const LAST_RESORT_DEAD_LETTER_BYTES = 16_384;

export interface WorkerTopics {
  comments: string;
  /** Operator actions (issue #16), consumed in the same group; absent: not consumed. */
  actions?: string;
  classified: string;
  dlq: string;
}

export interface CommentProcessorOptions {
  kafka: Kafka;
  store: SlaStore;
  logger: Logger;
  topics: WorkerTopics;
  policies: PolicyConfig;
  plan: PlanOptions;
  limits?: Partial<ContractLimits>;
  /** Bytes of a comment's text the classifier reads (classifier.maxTextBytes). */
  classifierMaxTextBytes?: number;
  /** Each comment's routing taxonomy (classifier.taxonomies); the shipped routing when absent. */
  taxonomies?: TaxonomyRouter;
  /** A cheap health probe sent before a failed Redis call is retried (PING). */
  pingRedis?: () => Promise<unknown>;
  /** Largest record written (OTKLIK_MAX_MESSAGE_BYTES): dead letters are truncated to it. */
  maxMessageBytes?: number;
  metrics?: Metrics;
  /** Registry mode: codecs over the registry's schemas; the carried catalogue's when absent. */
  codecs?: ContractCodecs;
  /** Registry mode: fetches the writer schemas of ids not seen yet, before a chunk is prepared. */
  schemaFetcher?: Pick<SchemaFetcher, 'preload'>;
}

/** One output of a group, with the input it came from when it is a classified output. */
interface GroupOutput {
  topic: string;
  message: OutputMessage;
  /** For a classified output: its input, and where that was read (shared by the chunk's outputs). */
  input?: InputMessage;
  from?: ChunkSource;
}

/** A message of the group whose SLA transition or output failed for good: it becomes a dead letter. */
interface LateFailure {
  message: InputMessage;
  topic: string;
  partition: number;
  error: unknown;
  what: string;
}

async function timed<T>(endTimer: (() => number) | undefined, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } finally {
    endTimer?.();
  }
}

/**
 * The worker's processor: decodes, classifies and plans a chunk of comments (prepare), then applies the
 * group's SLA transitions in Redis and publishes its classified comments and dead letters (flush).
 * Outputs go out only after their transitions, so a published classification is always registered.
 */
export class CommentProcessor implements Processor<PreparedBatch> {
  /**
   * Created with the processor, never optional: the loop commits a group's offsets only after `flush`
   * has put its outputs on the broker, and a flush without a producer must not be able to "succeed".
   */
  private readonly producer: Producer;
  private readonly log: Logger;
  private readonly decode: ReturnType<typeof createCommentDecoder>;
  private readonly decodeAction: OperatorActionDecoder;
  private readonly maxMessageBytes: number;

  constructor(private readonly options: CommentProcessorOptions) {
    this.log = options.logger.child({ component: 'worker' });
    this.decode = createCommentDecoder(options.limits, options.codecs);
    this.decodeAction = createOperatorActionDecoder(undefined, options.codecs);
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.producer = createReliableProducer(options.kafka, {
      onResend: (err, attempt, delayMs) => {
        this.options.metrics?.retries.inc({ target: 'kafka' });
        this.log.warn({ err: err.message, attempt, delayMs }, 'produce failed; sending it again whole');
      },
    });
  }

  start(): Promise<void> {
    return this.producer.connect();
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }

  /**
   * Registry mode: the writer schemas of the chunk's unknown ids, fetched before `prepare` (which stays
   * pure). While the registry does not answer, the call is retried with fetching paused: the chunk
   * waits, nothing is dead-lettered for it.
   */
  preload(chunk: readonly InputMessage[], context: FlushContext): Promise<void> | undefined {
    const fetcher = this.options.schemaFetcher;
    return fetcher ? preloadThroughLoop(fetcher, chunk, context) : undefined;
  }

  prepare(chunk: readonly InputMessage[], { topic, partition }: ChunkSource): PreparedBatch {
    const prepared =
      topic === this.options.topics.actions
        ? this.prepareActions(chunk, topic, partition)
        : prepareBatch(chunk, {
            topic,
            partition,
            decode: this.decode,
            encoder: this.options.codecs?.classifiedEncoder,
            policies: this.options.policies,
            plan: this.options.plan,
            classifierMaxTextBytes: this.options.classifierMaxTextBytes,
            taxonomies: this.options.taxonomies,
            nowMs: Date.now(),
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

  private prepareActions(chunk: readonly InputMessage[], topic: string, partition: number): PreparedBatch {
    return prepareActions(chunk, {
      topic,
      partition,
      decode: this.decodeAction,
      shards: this.options.plan.shards,
      nowMs: Date.now(),
      maxMessageBytes: this.maxMessageBytes,
    });
  }

  /**
   * The Redis scripts of all the group's chunks in one call, then their output messages in one produce
   * request; the loop commits the offsets after. Known transient failures are retried (fetching paused).
   * A failure for good is pinned on the messages responsible (isolate-failures.ts): they become
   * PROCESSING_FAILED dead letters, everything else of the group is applied and published, and the
   * partitions move on.
   */
  async flush(chunks: readonly GroupChunk<PreparedBatch>[], context: FlushContext): Promise<void> {
    const metrics = this.options.metrics;
    const single = chunks.length === 1 ? (chunks[0] as GroupChunk<PreparedBatch>).prepared : undefined;
    const commands = single ? single.slaCommands : chunks.flatMap((c) => c.prepared.slaCommands);

    const redis = await this.applyIsolating(commands, context);
    const actionOutcomes = await this.applyActions(chunks, context);
    const failures: LateFailure[] = [];
    if (redis.failed.length > 0) {
      const sources = chunks.flatMap((c) =>
        c.prepared.commandSources.map((message) => ({ message, source: c.source })),
      );
      for (const { index, error } of redis.failed) {
        const { message, source } = sources[index] as (typeof sources)[number];
        failures.push({ message, ...source, error, what: 'SLA transition' });
      }
    }
    // Outputs only after their SLA transitions: a message whose transition failed publishes its dead
    // letter instead of its classification.
    const refused = new Set(failures.map((f) => f.message));
    const outputs = this.outputsOf(chunks, refused);
    for (const failure of failures) outputs.push(this.lateDeadLetter(failure));
    const late = await this.sendIsolating(outputs, context);
    failures.push(...late);

    const outcomes = redis.results.filter((o): o is SlaOutcome => o !== undefined);
    if (metrics) {
      const { actions } = this.options.topics;
      const actionChunks = chunks.filter((c) => c.prepared.actions);
      if (actions && actionChunks.length > 0) {
        recordGroupMetrics(metrics, actions, actionChunks, actionOutcomes);
        const commentChunks = chunks.filter((c) => !c.prepared.actions);
        recordGroupMetrics(metrics, this.options.topics.comments, commentChunks, outcomes);
      } else recordGroupMetrics(metrics, this.options.topics.comments, chunks, outcomes);
      if (failures.length > 0) metrics.deadLettered.inc({ code: 'PROCESSING_FAILED' }, failures.length);
    }
    if (this.log.isLevelEnabled('debug')) {
      this.log.debug(
        { chunks: chunks.length, events: commands.length, outputs: outputs.length },
        'chunk group flushed',
      );
    }
  }

  /**
   * The group's operator actions, after its comments (an action and its comment in one group: the
   * comment is open first). Each is idempotent by its action id, so the whole list is retried as one.
   */
  private async applyActions(chunks: readonly GroupChunk<PreparedBatch>[], context: FlushContext) {
    const actions = chunks.flatMap((c) => c.prepared.actions ?? []);
    if (actions.length === 0) return [];
    const outcomes = await context.retry('redis', () =>
      timed(this.options.metrics?.redisLatency.startTimer({ operation: 'act' }), () =>
        this.options.store.act(actions),
      ),
    );
    if (this.log.isLevelEnabled('debug'))
      this.log.debug({ actions: actions.length, outcomes }, 'operator actions applied');
    return outcomes;
  }

  /** The group's SLA transitions; those Redis refuses for good are found and returned as failed. */
  private applyIsolating(commands: readonly SlaCommand[], context: FlushContext) {
    const metrics = this.options.metrics;
    let redisAttempts = 0;
    return isolateFailures(
      commands,
      (part) =>
        context.retry('redis', async () => {
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
  private outputsOf(
    chunks: readonly GroupChunk<PreparedBatch>[],
    refused: ReadonlySet<InputMessage>,
  ): GroupOutput[] {
    const { classified, dlq } = this.options.topics;
    const outputs: GroupOutput[] = [];
    for (const { prepared, source } of chunks) {
      prepared.classified.forEach((message, i) => {
        const input = prepared.classifiedSources[i] as InputMessage;
        if (refused.size === 0 || !refused.has(input))
          outputs.push({ topic: classified, message, input, from: source });
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
  private async sendIsolating(outputs: GroupOutput[], context: FlushContext): Promise<LateFailure[]> {
    const send = (part: readonly GroupOutput[]) =>
      context.retry('kafka', () =>
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
        { cause: error },
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
}

import type { IHeaders } from 'kafkajs';

/** A consumed record as a processor sees it: kafkajs's message, minus what no processor needs. */
export interface InputMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
  offset: string;
}

/** Where a chunk was read. */
export interface ChunkSource {
  topic: string;
  partition: number;
}

/** One partition's prepared chunk in a group being flushed. */
export interface GroupChunk<P> {
  prepared: P;
  source: ChunkSource;
  /** How many input messages the chunk holds. */
  size: number;
}

/** What the consumer loop lends a processor while it flushes a group. */
export interface FlushContext {
  /**
   * Runs an idempotent call, retrying it while it fails in a known transient way (errors.ts): fetching
   * pauses meanwhile, so nothing more is read into memory (back-pressure), and retrying stops once no
   * chunk of the group can still be committed (its partitions were revoked or the consumer stops).
   * Any other error is thrown at once.
   */
  retry<T>(target: RetryTarget, operation: () => Promise<T>): Promise<T>;
}

/** What a retried call talks to: the `target` label of otklik_retries_total. */
export type RetryTarget = 'redis' | 'kafka' | 'registry';

/**
 * A role that consumes a topic through the batched consumer loop (consumer.ts), in the shape of a Kafka
 * Streams processor cut for batching: `prepare` is the CPU work on one partition's chunk, done while the
 * group before it is in flight; `flush` makes a group of chunks from several partitions durable (state
 * and outputs). The loop commits a group's offsets only after `flush` resolves, so every step of a flush
 * must be idempotent: a chunk whose flush failed, or whose commit was lost, is read and flushed again.
 */
export interface Processor<P> {
  /** Connects what `flush` needs (a producer); the loop fetches nothing before it resolves. */
  start(): Promise<void>;
  /**
   * Optional: fetches, before `prepare`, what preparing the chunk needs from outside and can be kept
   * (a Schema Registry's schemas for ids not seen yet), so that `prepare` stays pure. Returns undefined
   * when nothing is missing (the common case, no promise). The call is retried through `context` like a
   * flush's: a registry that is down pauses fetching, and the chunk waits, neither lost nor
   * dead-lettered.
   */
  preload?(messages: readonly InputMessage[], context: FlushContext): Promise<void> | undefined;
  /** Pure with respect to the outside world: no I/O, so a chunk can be prepared while another is flushed. */
  prepare(messages: readonly InputMessage[], source: ChunkSource): P;
  /**
   * Makes the group durable, retrying transient failures through `context`. A throw fails every chunk
   * of the group: nothing of it is committed, and the consumer stops (its records are read again by the
   * next process), so a processor pins a failure on the messages responsible wherever it can.
   */
  flush(group: readonly GroupChunk<P>[], context: FlushContext): Promise<void>;
  /** Called once the consumer has stopped and its last group is committed. */
  close(): Promise<void>;
  /**
   * Where to resume the assigned partitions (next offset to read), for a processor that stores its
   * offsets in the same transaction as its state (as Kafka Connect sinks do): then a commit the group
   * lost, or state restored from a backup, still resumes exactly where the state ends.
   */
  storedOffsets?(
    assigned: readonly { topic: string; partitions: readonly number[] }[],
  ): Promise<{ topic: string; partition: number; offset: string }[]>;
}

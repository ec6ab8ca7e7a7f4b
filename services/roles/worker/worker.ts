import { BatchedConsumer, type BatchedConsumerOptions } from '../../runtime/consumer/batched-consumer.js';
import { CommentProcessor, type CommentProcessorOptions } from './comment-processor.js';
import type { PreparedBatch } from './prepare-batch.js';

export type { WorkerTopics } from './comment-processor.js';

export type WorkerOptions = CommentProcessorOptions &
  Omit<BatchedConsumerOptions<PreparedBatch>, 'processor' | 'name' | 'topics'> & {
    groupId: string;
  };

/** The worker: the comment processor run by the one batched consumer loop on the comments topic. */
export type CommentWorker = BatchedConsumer<PreparedBatch>;

/**
 * Consumes comments, classifies them, applies their SLA transitions in Redis and publishes the results.
 * A chunk's offsets are committed only after its Redis scripts and its output messages are confirmed.
 */
export function createCommentWorker(options: WorkerOptions): CommentWorker {
  return new BatchedConsumer({
    ...options,
    name: 'worker',
    topics: options.topics.actions
      ? [options.topics.comments, options.topics.actions]
      : [options.topics.comments],
    processor: new CommentProcessor(options),
  });
}

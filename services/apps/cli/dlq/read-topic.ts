/**
 * Reads a bounded range of a topic (the tail of each partition, or all of it) with a throw-away
 * consumer group that commits nothing and is deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

export interface TopicRecord {
  partition: number;
  message: KafkaMessage;
}

export interface ReadTopicOptions {
  /** Only the last N records of each partition; all of them when undefined. */
  tailPerPartition?: number;
  /** Give up with an error after this long. */
  timeoutMs?: number;
  /** Stop when nothing arrived for this long after the consumer joined (gaps such as control records). */
  idleMs?: number;
}

interface Range {
  partition: number;
  start: bigint;
  end: bigint;
}

export interface TopicRead {
  records: TopicRecord[];
  /** Partitions whose range was not read to the end before the consumer went idle. */
  incompletePartitions: number[];
}

export async function readTopic(
  kafka: Kafka,
  topic: string,
  options: ReadTopicOptions = {},
): Promise<TopicRead> {
  const { tailPerPartition, timeoutMs = 60_000, idleMs = 5_000 } = options;
  const ranges = await rangesToRead(kafka, topic, tailPerPartition);
  if (ranges.length === 0) return { records: [], incompletePartitions: [] };

  const groupId = `otklik-dlq-tool-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
  const pending = new Map(ranges.map((r) => [r.partition, r]));
  // The next offset wanted per partition: a batch kafkajs hands over again (after a seek or a retried
  // fetch) adds nothing twice.
  const nextOffset = new Map(ranges.map((r) => [r.partition, r.start]));
  const records: TopicRecord[] = [];
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let idleTimer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(finish, idleMs);
  };

  try {
    await consumer.connect();
    consumer.on(consumer.events.GROUP_JOIN, touch);
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        touch();
        const range = pending.get(batch.partition);
        if (!range) return;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset >= nextOffset.get(batch.partition)! && offset < range.end) {
            records.push({ partition: batch.partition, message });
            nextOffset.set(batch.partition, offset + 1n);
          }
        }
        // The next fetch starts after the last resolved offset: without this kafkajs fetched the
        // partition's first MiB again and again and a longer range was never read to its end.
        resolveOffset(batch.lastOffset());
        await heartbeat();
        if (BigInt(batch.lastOffset()) >= range.end - 1n) pending.delete(batch.partition);
        if (pending.size === 0) finish();
      },
    });
    for (const r of ranges) consumer.seek({ topic, partition: r.partition, offset: r.start.toString() });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`reading ${topic} took over ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([finished, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    clearTimeout(idleTimer);
    await consumer.disconnect();
    await deleteGroup(kafka, groupId);
  }
  records.sort(
    (a, b) => a.partition - b.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset)),
  );
  return { records, incompletePartitions: [...pending.keys()].sort((a, b) => a - b) };
}

async function rangesToRead(kafka: Kafka, topic: string, tail: number | undefined): Promise<Range[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) throw new Error(`topic ${topic} does not exist`);
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets
      .map(({ partition, low, high }) => {
        const end = BigInt(high);
        const start = tail === undefined ? BigInt(low) : maxBig(BigInt(low), end - BigInt(tail));
        return { partition, start, end };
      })
      .filter((r) => r.start < r.end);
  } finally {
    await admin.disconnect();
  }
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // Best effort: an empty group with no offsets expires on its own.
  } finally {
    await admin.disconnect();
  }
}

/** Whether a topic exists (replay refuses to write to a missing one rather than rely on auto-creation). */
export async function topicExists(kafka: Kafka, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

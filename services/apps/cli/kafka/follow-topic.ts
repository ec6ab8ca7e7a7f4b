/**
 * Follows a topic with a throw-away consumer group that starts where asked (the beginning, the end as
 * of the call, or the last N records of each partition), commits nothing and is deleted on stop. Used
 * by `otklik tail` and the ops board's alert feed.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

export type StartAt = 'beginning' | 'end' | { lastPerPartition: number };

export interface FollowedTopic {
  /** Resolves once the consumer has joined and been handed its partitions. */
  joined: Promise<void>;
  stop(): Promise<void>;
}

/** The offset to seek to per partition; pure so it can be tested without a broker. */
export function startOffsets(
  partitions: { partition: number; low: string; high: string }[],
  startAt: StartAt,
): { partition: number; offset: string }[] {
  return partitions.map(({ partition, low, high }) => {
    if (startAt === 'beginning') return { partition, offset: low };
    if (startAt === 'end') return { partition, offset: high };
    const from = BigInt(high) - BigInt(startAt.lastPerPartition);
    return { partition, offset: String(from > BigInt(low) ? from : BigInt(low)) };
  });
}

export async function followTopic(
  kafka: Kafka,
  topic: string,
  startAt: StartAt,
  onMessage: (message: KafkaMessage, partition: number) => void | Promise<void>,
  options: { groupPrefix?: string } = {},
): Promise<FollowedTopic> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${options.groupPrefix ?? 'otklik-cli'}-${randomUUID()}`;
  let offsets: { partition: number; offset: string }[];
  try {
    if (!(await admin.listTopics()).includes(topic)) throw new Error(`topic ${topic} does not exist`);
    offsets = startOffsets(await admin.fetchTopicOffsets(topic), startAt);
  } catch (e) {
    await admin.disconnect();
    throw e;
  }
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let markJoined: () => void = () => {};
  const joined = new Promise<void>((resolve) => (markJoined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => markJoined());
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message, partition }) => onMessage(message, partition),
  });
  for (const { partition, offset } of offsets) consumer.seek({ topic, partition, offset });

  let stopping: Promise<void> | undefined;
  return {
    joined,
    stop: () =>
      (stopping ??= (async () => {
        await consumer.disconnect();
        await admin.deleteGroups([groupId]).catch(() => undefined);
        await admin.disconnect();
      })()),
  };
}

import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';

export interface LogRecord {
  partition: number;
  offset: string;
  /** The record's broker timestamp (ms): its producer's clock with the default CreateTime. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/**
 * Reads everything `topic` holds at the time of the call, from each partition's first kept offset to its
 * end as of the call, a fetched batch at a time, in offset order per partition. A throw-away consumer
 * group commits nothing and is deleted after. Rejects when no record arrives for `stallMs`.
 */
export async function readLog(
  kafka: Kafka,
  topic: string,
  onBatch: (records: LogRecord[]) => void | Promise<void>,
  options: { groupPrefix?: string; stallMs?: number } = {},
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${options.groupPrefix ?? 'otklik-read-log'}-${randomUUID()}`;
  try {
    if (!(await admin.listTopics()).includes(topic)) throw new Error(`topic ${topic} does not exist`);
    const ends = new Map<number, { low: bigint; high: bigint }>();
    for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(high) > BigInt(low)) ends.set(partition, { low: BigInt(low), high: BigInt(high) });
    }
    if (ends.size === 0) return 0;
    let read = 0;
    const left = new Set(ends.keys());
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
    await consumer.connect();
    try {
      let progressAt = Date.now();
      let failed: unknown;
      let finish: () => void = () => {};
      const done = new Promise<void>((resolve) => (finish = resolve));
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = ends.get(batch.partition);
          if (!end || !left.has(batch.partition)) return;
          const records: LogRecord[] = [];
          for (const m of batch.messages) {
            const offset = BigInt(m.offset);
            if (offset >= end.high) break;
            records.push({
              partition: batch.partition,
              offset: m.offset,
              timestamp: Number(m.timestamp),
              key: m.key ?? null,
              value: m.value ?? null,
              headers: m.headers ?? {},
            });
          }
          progressAt = Date.now();
          try {
            if (records.length > 0) await onBatch(records);
          } catch (error) {
            failed = error;
            finish();
            return;
          }
          read += records.length;
          const last = batch.messages[batch.messages.length - 1];
          if (last && BigInt(last.offset) + 1n >= end.high) {
            left.delete(batch.partition);
            if (left.size === 0) finish();
          }
        },
      });
      for (const [partition, { low }] of ends) consumer.seek({ topic, partition, offset: String(low) });
      const stallMs = options.stallMs ?? 60_000;
      const watchdog = setInterval(() => {
        if (Date.now() - progressAt > stallMs) {
          failed = new Error(`reading ${topic}: nothing arrived for ${stallMs} ms`);
          finish();
        }
      }, 500);
      await done.finally(() => clearInterval(watchdog));
      if (failed) throw failed;
      return read;
    } finally {
      await consumer.disconnect();
    }
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

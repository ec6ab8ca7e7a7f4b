/** Broker reads of the fuzz harness: offsets, lag, and whole topics read through a projection. */
import type { Admin, IHeaders, Kafka } from 'kafkajs';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Partition -> offset. */
export type Offsets = Map<number, number>;

export const sumOf = (offsets: Offsets) => [...offsets.values()].reduce((a, b) => a + b, 0);

export async function endOffsets(admin: Admin, topic: string): Promise<Offsets> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

/** The group's committed offsets; a partition without a commit counts as 0. */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Offsets> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((entry?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
}

export interface Lag {
  end: Offsets;
  committed: Offsets;
  /** Messages stored but not committed, over all partitions. */
  total: number;
}

export async function lagOf(admin: Admin, groupId: string, topic: string): Promise<Lag> {
  const end = await endOffsets(admin, topic);
  const committed = await committedOffsets(admin, groupId, topic);
  let total = 0;
  for (const [p, o] of end) total += Math.max(0, o - (committed.get(p) ?? 0));
  return { end, committed, total };
}

export interface RawMessage {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/**
 * Every message `topic` holds now (up to its current end offsets), each passed through `project` as it
 * arrives, so a topic of large messages is never held whole. A throw-away consumer group reads it.
 */
export async function readTopic<T>(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  project: (m: RawMessage) => T,
  timeoutMs = 120_000,
): Promise<T[]> {
  const end = await endOffsets(admin, topic);
  const total = sumOf(end);
  const out: T[] = [];
  if (total === 0) return out;
  const groupId = `fuzz-read-${topic}-${Math.random().toString(36).slice(2)}`;
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 200,
    maxBytes: 16 << 20,
  });
  await consumer.connect();
  let seen = 0;
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const upTo = end.get(batch.partition) ?? 0;
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          if (offset >= upTo) continue;
          seen++;
          out.push(
            project({
              partition: batch.partition,
              offset,
              key: m.key,
              value: m.value,
              headers: m.headers ?? {},
            }),
          );
        }
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (seen < total) {
      if (Date.now() > deadline) throw new Error(`read ${seen} of ${total} messages of ${topic} in time`);
      await sleep(100);
    }
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return out;
}

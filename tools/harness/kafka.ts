import { AssignerProtocol, type Admin, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { ensureTopics } from '../../services/adapters/kafka/topics.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value other than undefined; throws with `what` on timeout. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Creates the four topics of a test env (from the fixture) with the env's partition count. */
export async function createTestTopics(kafka: Kafka, env: Record<string, string>): Promise<void> {
  const partitions = Number(env.OTKLIK_TOPIC_PARTITIONS ?? 3);
  await ensureTopics(
    kafka,
    ['OTKLIK_TOPIC_COMMENTS', 'OTKLIK_TOPIC_CLASSIFIED', 'OTKLIK_TOPIC_ALERTS', 'OTKLIK_TOPIC_DLQ'].map(
      (name) => ({
        topic: env[name] as string,
        numPartitions: partitions,
        replicationFactor: 1,
      }),
    ),
  );
}

export interface Message {
  key: string;
  value: Buffer;
}

/**
 * Sends `messages` in order, `perSecond` on average (all at once when omitted), in small batches, each
 * awaited. Use `createReliableProducer` (one request in flight, whole re-sends) so that a retry cannot
 * reorder a partition.
 */
export async function produce(
  producer: Producer,
  topic: string,
  messages: readonly Message[],
  options: { perSecond?: number; batch?: number } = {},
): Promise<void> {
  const batch = options.batch ?? 100;
  const started = Date.now();
  for (let i = 0; i < messages.length; i += batch) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + batch) });
    if (options.perSecond) {
      const aheadMs = ((i + batch) / options.perSecond) * 1000 - (Date.now() - started);
      if (aheadMs > 0) await sleep(aheadMs);
    }
  }
}

/** Partition -> offset. */
export type Offsets = Map<number, number>;

export async function endOffsets(admin: Admin, topic: string): Promise<Offsets> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

/** The group's committed offsets; a partition with no commit yet counts as 0. */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Offsets> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((entry?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
}

export const sumOf = (offsets: Offsets) => [...offsets.values()].reduce((a, b) => a + b, 0);

/** Waits until the group has committed every message the topic holds now. */
export async function waitUntilAllCommitted(
  admin: Admin,
  groupId: string,
  topic: string,
  timeoutMs: number,
): Promise<Offsets> {
  const end = await endOffsets(admin, topic);
  return until(
    `group ${groupId} to commit ${sumOf(end)} messages of ${topic}`,
    async () => {
      const committed = await committedOffsets(admin, groupId, topic);
      return [...end].every(([p, o]) => (committed.get(p) ?? 0) >= o) ? committed : undefined;
    },
    timeoutMs,
  );
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  partitions: number[];
}

/** Who holds which partition of `topic` in the group, as the broker's group coordinator reports it. */
export async function describeGroup(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<{ state: string; members: GroupMember[] }> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  if (!group) return { state: 'Unknown', members: [] };
  return {
    state: group.state,
    members: group.members.map((m) => {
      const assignment = m.memberAssignment.length
        ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment)
        : null;
      return {
        memberId: m.memberId,
        clientId: m.clientId,
        partitions: [...(assignment?.assignment[topic] ?? [])].sort((a, b) => a - b),
      };
    }),
  };
}

/** Waits for a stable group of `size` members that between them hold every partition of `topic`. */
export async function waitForStableGroup(
  admin: Admin,
  groupId: string,
  topic: string,
  size: number,
  partitions: number,
  timeoutMs = 60_000,
): Promise<GroupMember[]> {
  return until(
    `a stable group of ${size} on ${topic}`,
    async () => {
      const group = await describeGroup(admin, groupId, topic);
      const held = group.members.flatMap((m) => m.partitions);
      return group.state === 'Stable' && group.members.length === size && new Set(held).size === partitions
        ? group.members
        : undefined;
    },
    timeoutMs,
  );
}

export interface StoredMessage {
  partition: number;
  offset: number;
  key: string;
  value: Buffer | null;
  headers: IHeaders;
}

/**
 * Every message `topic` holds at the time of the call (up to its current end offsets), read with a
 * throw-away consumer group.
 */
export async function readToEnd(kafka: Kafka, admin: Admin, topic: string, timeoutMs = 60_000) {
  const end = await endOffsets(admin, topic);
  const total = sumOf(end);
  const messages: StoredMessage[] = [];
  if (total === 0) return messages;
  const consumer = kafka.consumer({
    groupId: `read-${topic}-${Math.random().toString(36).slice(2)}`,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const upTo = end.get(batch.partition) ?? 0;
        for (const m of batch.messages) {
          if (Number(m.offset) >= upTo) continue;
          messages.push({
            partition: batch.partition,
            offset: Number(m.offset),
            key: m.key?.toString() ?? '',
            value: m.value,
            headers: m.headers ?? {},
          });
        }
      },
    });
    await until(
      `${total} messages on ${topic}`,
      async () => (messages.length >= total ? true : undefined),
      timeoutMs,
    );
  } finally {
    await consumer.disconnect();
  }
  return messages.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

import type { Kafka } from 'kafkajs';

/**
 * Whether the consumer group has committed an offset on any partition of the topic: the proof that
 * comments were once counted into the SLA state. A topic or group that does not exist has none.
 */
export async function groupHasCommitted(kafka: Kafka, groupId: string, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) return false;
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (offsets?.partitions ?? []).some((p) => p.offset !== '-1' && p.offset !== '');
  } finally {
    await admin.disconnect();
  }
}

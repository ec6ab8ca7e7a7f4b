import type { Kafka } from 'kafkajs';
import { retry } from '../../core/retry/backoff.js';
import { isRetriableKafkaError } from './errors.js';

/** How long a broker that has just started gets to load its group coordinator. */
const COORDINATOR_WAIT_MS = 60_000;

/**
 * Whether the consumer group has committed an offset on any partition of the topic: the proof that
 * comments were once counted into the SLA state. A topic or group that does not exist has none. A
 * coordinator still loading (a broker just started) is waited for.
 */
export async function groupHasCommitted(kafka: Kafka, groupId: string, topic: string): Promise<boolean> {
  return retry(() => readCommitted(kafka, groupId, topic), {
    isRetriable: isRetriableKafkaError,
    initialDelayMs: 250,
    maxDelayMs: 2_000,
    giveUpAfterMs: COORDINATOR_WAIT_MS,
  });
}

async function readCommitted(kafka: Kafka, groupId: string, topic: string): Promise<boolean> {
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

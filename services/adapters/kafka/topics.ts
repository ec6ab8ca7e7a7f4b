import type { Kafka } from 'kafkajs';
import { retry } from '../../core/retry/backoff.js';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries?: { name: string; value: string }[];
}

/**
 * Right after a topic is created, the broker may answer the leader wait with "This server does not
 * host this topic-partition" for a moment (kafkajs retries only LEADER_NOT_AVAILABLE): that is worth
 * another try, as is a leader not elected yet.
 */
const NOT_READY_YET = /does not host this topic-partition|leader not available|no leader/i;
/** How long a new topic's leaders get to appear before the error is the caller's. */
const LEADER_WAIT_MS = 10_000;

/** Creates the topics that are missing and waits for their leaders; existing topics are left as they are. */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<string[]> {
  let created: string[] | undefined;
  // A retry finds the topics of a failed leader wait already there: report the first attempt's list.
  const missing = await retry(() => createMissing(kafka, specs, (topics) => (created ??= topics)), {
    isRetriable: (error) => NOT_READY_YET.test((error as Error).message),
    initialDelayMs: 250,
    maxDelayMs: 1_000,
    giveUpAfterMs: LEADER_WAIT_MS,
  });
  return created ?? missing;
}

async function createMissing(
  kafka: Kafka,
  specs: TopicSpec[],
  onMissing: (topics: string[]) => void,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    onMissing(missing.map((s) => s.topic));
    if (missing.length > 0) {
      // Several workers may start at once: a topic created by another one meanwhile is not an error.
      await admin.createTopics({ topics: missing, waitForLeaders: true }).catch((e: Error) => {
        if (!/already exists/i.test(e.message)) throw e;
      });
    }
    return missing.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}

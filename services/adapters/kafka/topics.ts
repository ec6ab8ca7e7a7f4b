import type { Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries?: { name: string; value: string }[];
}

/** Creates the topics that are missing; existing topics are left as they are. */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
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

import kafkajs, { type Kafka } from 'kafkajs';

// kafkajs is CommonJS: Node's ESM loader does not see this export by name (tsx and vitest would).
const { ConfigResourceTypes } = kafkajs;

/**
 * Each topic's `retention.ms` as the broker applies it (the topic's own setting or the broker default;
 * -1 keeps for ever). A topic whose cleanup policy is `compact` alone is reported as kept for ever:
 * compaction keeps the last record of each key, not a time window.
 */
export async function topicRetentions(kafka: Kafka, topics: readonly string[]): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['retention.ms', 'cleanup.policy'],
      })),
    });
    const retentions = new Map<string, number>();
    for (const resource of resources) {
      const entry = (name: string) => resource.configEntries.find((e) => e.configName === name)?.configValue;
      const compactOnly = entry('cleanup.policy') === 'compact';
      retentions.set(resource.resourceName, compactOnly ? -1 : Number(entry('retention.ms') ?? -1));
    }
    return retentions;
  } finally {
    await admin.disconnect();
  }
}

import type { Kafka, KafkaMessage } from 'kafkajs';

/**
 * Reads a topic from the beginning with its own consumer group and keeps every message, so a test can
 * wait for what it expects (`waitFor`) and then check nothing else arrived.
 */
export async function readTopic(kafka: Kafka, topic: string) {
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  // A topic a worker has just created can be missing from the metadata the broker answers for a moment
  // (UNKNOWN_TOPIC_OR_PARTITION, retriable); subscribe does not retry it, so this does. A CI run met it.
  for (let attempt = 1; ; attempt++) {
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      break;
    } catch (error) {
      if (attempt >= 10 || !(error as { retriable?: boolean }).retriable) throw error;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  await consumer.run({
    eachMessage: async ({ message }) => {
      messages.push(message);
    },
  });
  return {
    messages,
    async waitFor(predicate: (all: KafkaMessage[]) => boolean, timeoutMs = 30_000): Promise<KafkaMessage[]> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(messages)) {
        if (Date.now() > deadline) {
          throw new Error(
            `timed out after ${timeoutMs} ms waiting on ${topic} (have ${messages.length} messages)`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return messages;
    },
    close: () => consumer.disconnect(),
  };
}

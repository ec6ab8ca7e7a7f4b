import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/**
 * Our producers: idempotent, acks from all in-sync replicas (set per send), and the Java client's
 * murmur2 partitioner so that a key lands on the same partition whoever produces it.
 */
export function createReliableProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/** A plain producer for tools, tests and the demo. */
export function createPlainProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
}

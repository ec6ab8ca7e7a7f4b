/**
 * The baseline of `bench:e2e`: the worker as one would first write it. Same configuration, same
 * decode -> classify -> plan code (prepareBatch of one message at a time), same Redis scripts, the same
 * idempotent producer and the same consumer loop (BatchedConsumer) as the real worker, but a processor
 * that awaits every Redis call and every produce one by one, one partition at a time, committing once
 * per fetched batch (as kafkajs's eachMessage does). Not for production: it exists so the real worker's
 * gain is measured against the same work on the same machine in the same run.
 *
 *   node --import tsx tools/bench/naive-worker.ts   (environment as for services/runtime/main.ts)
 */
import { loadConfig } from '../../services/runtime/config/load.js';
import { createKafka } from '../../services/adapters/kafka/client.js';
import { createReliableProducer } from '../../services/adapters/kafka/producer.js';
import { connectRedis } from '../../services/adapters/redis/connect.js';
import { assertNoEviction } from '../../services/adapters/redis/eviction-policy.js';
import { SlaStore } from '../../services/adapters/redis/store/sla-store.js';
import { createCommentDecoder } from '../../services/core/contracts/index.js';
import { createLogger } from '../../services/runtime/observability/logger.js';
import { prepareBatch, type PreparedBatch } from '../../services/roles/worker/prepare-batch.js';
import { BatchedConsumer } from '../../services/runtime/consumer/batched-consumer.js';
import type { Processor } from '../../services/runtime/consumer/processor.js';

const config = loadConfig();
const { env, runtime } = config;
const logger = createLogger(env.LOG_LEVEL, { pid: process.pid, role: 'naive-worker' });
const kafka = createKafka({ brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID }, logger);
const redis = connectRedis(env);
// It writes SLA state as the worker does: the same refusal of a Redis that may evict it.
await assertNoEviction(redis);
const store = new SlaStore(redis, {
  prefix: env.OTKLIK_KEY_PREFIX,
  shards: env.OTKLIK_SHARDS,
  retentionMs: runtime.retentionDays * 86_400_000,
});
const decode = createCommentDecoder({
  maxTextBytes: runtime.limits.maxTextBytes,
  postedAtPastMs: runtime.limits.postedAtPastDays * 86_400_000,
  postedAtFutureMs: runtime.limits.postedAtFutureMinutes * 60_000,
});
const producer = createReliableProducer(kafka);
const plan = { shards: env.OTKLIK_SHARDS, excerptChars: runtime.excerptChars };

/** One message at a time: each message's own prepared batch, flushed call by call. */
const oneByOne: Processor<PreparedBatch[]> = {
  start: () => producer.connect(),
  close: () => producer.disconnect(),
  prepare: (messages, { topic, partition }) =>
    messages.map((message) =>
      prepareBatch([message], { topic, partition, decode, policies: config.sla, plan, nowMs: Date.now() }),
    ),
  flush: async (group) => {
    for (const { prepared } of group) {
      for (const one of prepared) {
        for (const command of one.slaCommands) await store.apply([command]);
        for (const out of one.classified) {
          await producer.send({ topic: env.OTKLIK_TOPIC_CLASSIFIED, acks: -1, messages: [out] });
        }
        for (const out of one.deadLetters) {
          await producer.send({ topic: env.OTKLIK_TOPIC_DLQ, acks: -1, messages: [out] });
        }
      }
    }
  },
};
const consumer = new BatchedConsumer({
  kafka,
  logger,
  name: 'naive-worker',
  groupId: env.OTKLIK_GROUP_ID,
  topics: [env.OTKLIK_TOPIC_COMMENTS],
  processor: oneByOne,
  // A whole fetched batch per chunk and one partition at a time: no group commit, no overlap.
  chunkSize: Number.MAX_SAFE_INTEGER,
  partitionsConsumedConcurrently: 1,
});
await consumer.start();

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    await consumer.close();
    redis.disconnect();
    process.exit(0);
  })();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

/**
 * The baseline of `bench:e2e`: the worker as one would first write it. Same configuration, same
 * decode -> classify -> plan code (prepareBatch of one message), same Redis scripts and the same
 * idempotent producer as the real CommentWorker, but `eachMessage`, and every Redis call and every
 * produce awaited one by one. Not for production: it exists so the real worker's gain is measured
 * against the same work on the same machine in the same run.
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
import { prepareBatch } from '../../services/roles/worker/prepare-batch.js';

const config = loadConfig();
const { env, runtime } = config;
const logger = createLogger(env.LOG_LEVEL, { pid: process.pid, role: 'naive-worker' });
const kafka = createKafka({ brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID }, logger);
const redis = connectRedis(env.REDIS_URL);
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
const consumer = kafka.consumer({ groupId: env.OTKLIK_GROUP_ID });

await producer.connect();
await consumer.connect();
await consumer.subscribe({ topic: env.OTKLIK_TOPIC_COMMENTS, fromBeginning: true });
await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    const prepared = prepareBatch(
      [{ key: message.key, value: message.value, headers: message.headers, offset: message.offset }],
      {
        topic,
        partition,
        decode,
        policies: config.sla,
        plan: { shards: env.OTKLIK_SHARDS, excerptChars: runtime.excerptChars },
        nowMs: Date.now(),
      },
    );
    for (const command of prepared.slaCommands) await store.apply([command]);
    for (const out of prepared.classified) {
      await producer.send({ topic: env.OTKLIK_TOPIC_CLASSIFIED, acks: -1, messages: [out] });
    }
    for (const out of prepared.deadLetters) {
      await producer.send({ topic: env.OTKLIK_TOPIC_DLQ, acks: -1, messages: [out] });
    }
  },
});
logger.info({ topic: env.OTKLIK_TOPIC_COMMENTS }, 'naive worker started');

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    await consumer.disconnect();
    await producer.disconnect();
    redis.disconnect();
    process.exit(0);
  })();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

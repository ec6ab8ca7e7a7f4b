import type { Admin, Kafka } from 'kafkajs';
import type { Cluster, Redis } from 'ioredis';
import { readCounterRows } from '../../services/adapters/redis/reader/sla-reader.js';
import { SlaKeys } from '../../services/adapters/redis/keys.js';
import { readDeadLetterHeaders } from '../../services/core/contracts/index.js';
import { totalsOf, type CounterTotals } from '../../services/core/sla/counters.js';
import { readToEnd, type StoredMessage } from './kafka.js';

export async function readTotals(
  redis: Redis | Cluster,
  env: Record<string, string>,
): Promise<CounterTotals> {
  const prefix = env.OTKLIK_KEY_PREFIX as string;
  return totalsOf(await readCounterRows(redis, new SlaKeys(prefix), Number(env.OTKLIK_SHARDS)));
}

/** Removes every key under the env's prefix (tests leave the shared Redis as they found it). */
export async function deleteKeys(redis: Redis, env: Record<string, string>): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.OTKLIK_KEY_PREFIX}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

export interface Outputs {
  classified: StoredMessage[];
  /** Number of classified messages per comment key. */
  classifiedPerKey: Map<string, number>;
  deadLetters: StoredMessage[];
  /** `partition:offset` of the input messages the dead letters came from. */
  deadLetterSources: Set<string>;
}

/** What the worker(s) published so far on the classified and dead-letter topics. */
export async function readOutputs(kafka: Kafka, admin: Admin, env: Record<string, string>): Promise<Outputs> {
  const classified = await readToEnd(kafka, admin, env.OTKLIK_TOPIC_CLASSIFIED as string);
  const deadLetters = await readToEnd(kafka, admin, env.OTKLIK_TOPIC_DLQ as string);
  const classifiedPerKey = new Map<string, number>();
  for (const m of classified) classifiedPerKey.set(m.key, (classifiedPerKey.get(m.key) ?? 0) + 1);
  const deadLetterSources = new Set(
    deadLetters.map((m) => {
      const info = readDeadLetterHeaders(m.headers);
      return `${info?.sourcePartition}:${info?.sourceOffset}`;
    }),
  );
  return { classified, classifiedPerKey, deadLetters, deadLetterSources };
}

/**
 * Issue #16: the worker consumes the operator-actions topic in its group. Actions sent with `otklik act`
 * on the real stack: an INTERIM_REPLY ends the comment's first reply (counted once, however often it is
 * resent with its action id), every action is kept in the appeal's action log (the worker's store has the
 * policy, so PAUSED applies too: appeal-lifecycle.test.ts), and a message the action gate refuses is
 * dead-lettered without stopping the partition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { createReliableProducer } from '../../../../services/adapters/kafka/producer.js';
import { readCounterRows } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { SlaKeys } from '../../../../services/adapters/redis/keys.js';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { runCli } from '../../../../services/apps/cli/main.js';
import { encodeCommentEvent } from '../../../../services/core/contracts/index.js';
import { totalsOf } from '../../../../services/core/sla/counters.js';
import { shardOf } from '../../../../services/core/sla/shard.js';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import { startApp, type RunningApp } from '../../../../services/runtime/app.js';
import { commentEvent } from '../../../support/comments.js';
import { isolatedStack } from '../../../support/fixture.js';
import { readTopic } from '../../../support/topic-reader.js';
import { createTestTopics, waitUntilAllCommitted } from '../../../../tools/harness/kafka.js';
import { deleteKeys } from '../../../../tools/harness/outcome.js';

const stack = isolatedStack('worker-actions');
const env = stack.env as Record<string, string>;
const SHARDS = Number(env.OTKLIK_SHARDS ?? 4);
let app: RunningApp;
let admin: Admin;
let producer: Producer;
let redis: Redis;
let store: SlaStore;

beforeAll(async () => {
  await createTestTopics(stack.kafka, env);
  app = await startApp(loadConfig(env), stack.logger, { roles: ['worker'] });
  admin = stack.kafka.admin();
  await admin.connect();
  producer = createReliableProducer(stack.kafka);
  await producer.connect();
  redis = stack.redis();
  store = new SlaStore(redis, {
    prefix: env.OTKLIK_KEY_PREFIX as string,
    shards: SHARDS,
    retentionMs: 60_000,
  });
});
afterAll(async () => {
  await producer?.disconnect();
  await app?.close();
  const topics = ['COMMENTS', 'CLASSIFIED', 'ALERTS', 'DLQ', 'ACTIONS'].map(
    (t) => env[`OTKLIK_TOPIC_${t}`] as string,
  );
  await admin?.deleteTopics({ topics }).catch(() => undefined);
  await admin?.disconnect();
  await deleteKeys(redis, env);
  redis?.disconnect();
});

async function otklik(...argv: string[]) {
  const out: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => out.push(t), env });
  expect(code, out.join('\n')).toBe(0);
}
const committed = (topic: string) =>
  waitUntilAllCommitted(admin, env.OTKLIK_GROUP_ID as string, topic, 30_000);
const totals = async () =>
  totalsOf(await readCounterRows(redis, new SlaKeys(env.OTKLIK_KEY_PREFIX as string), SHARDS));

describe('the worker consumes operator actions', () => {
  it('applies INTERIM_REPLY once, keeps the other kinds, dead-letters what the gate refuses', async () => {
    const postedAt = Date.now() - 10 * 60_000;
    const event = commentEvent({
      posted_at: postedAt,
      text: 'Вторую неделю во дворе не вывозят мусор, контейнеры переполнены. Примите меры!',
    });
    const key = `${event.platform}:${event.comment_id}`;
    await producer.send({
      topic: env.OTKLIK_TOPIC_COMMENTS as string,
      acks: -1,
      messages: [{ key, value: encodeCommentEvent(event) }],
    });
    await committed(env.OTKLIK_TOPIC_COMMENTS as string);
    const before = await totals();
    expect(before.open).toBe(1);

    const at = new Date(postedAt + 60_000).toISOString();
    await otklik('act', key, 'interim-reply', '--operator', 'op-1', '--action-id', 'a-1', '--at', at);
    await otklik('act', key, 'interim-reply', '--operator', 'op-1', '--action-id', 'a-1', '--at', at);
    await otklik('act', key, 'paused', '--operator', 'op-1', '--action-id', 'a-2', '--reason', 'citizen');
    const dlq = await readTopic(stack.kafka, env.OTKLIK_TOPIC_DLQ as string);
    try {
      await producer.send({
        topic: env.OTKLIK_TOPIC_ACTIONS as string,
        acks: -1,
        messages: [{ key, value: Buffer.from('not an action') }],
      });
      await committed(env.OTKLIK_TOPIC_ACTIONS as string);
      const after = await totals();
      expect(after.open).toBe(0);
      expect(after.answered_in_time - before.answered_in_time).toBe(1);
      expect(after.answered_late - before.answered_late).toBe(0);
      const kept = await store.keptActions(shardOf(key, SHARDS), key);
      expect(kept.map((a) => [a.action_id, a.kind])).toEqual([
        ['a-1', 'INTERIM_REPLY'],
        ['a-2', 'PAUSED'],
      ]);
      const letters = await dlq.waitFor((all) => all.length >= 1, 10_000);
      expect(letters[0]?.key?.toString()).toBe(key);
    } finally {
      await dlq.close();
    }
  });
});

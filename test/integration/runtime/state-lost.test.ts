/**
 * docs/faults.md "State lost": a Redis that lost Otklik's keys must not be taken for a quiet one. The
 * keyspace of a running worker is deleted (as FLUSHALL or a promoted empty replica would): the worker
 * notices within OTKLIK_STATE_CHECK_MS, stops and says why; a new start refuses until the operator accepts
 * the loss with the CLI; a keyspace written before generations existed is adopted, not refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { createReliableProducer } from '../../../services/adapters/kafka/producer.js';
import { SlaKeys } from '../../../services/adapters/redis/keys.js';
import { readGenerations } from '../../../services/adapters/redis/state-generation.js';
import { runCli } from '../../../services/apps/cli/main.js';
import { encodeCommentEvent } from '../../../services/core/contracts/index.js';
import { loadConfig } from '../../../services/runtime/config/load.js';
import { startApp, type RunningApp } from '../../../services/runtime/app.js';
import { StateLostError } from '../../../services/runtime/state-guard.js';
import { commentEvent } from '../../support/comments.js';
import { isolatedStack } from '../../support/fixture.js';
import { createTestTopics, until, waitUntilAllCommitted } from '../../../tools/harness/kafka.js';
import { deleteKeys } from '../../../tools/harness/outcome.js';

const SHARDS = 4;
const stack = isolatedStack('state-lost', { OTKLIK_SHARDS: String(SHARDS), OTKLIK_STATE_CHECK_MS: '250' });
const env = stack.env as Record<string, string>;
const config = () => loadConfig(stack.env);
let admin: Admin;
let producer: Producer;
let redis: Redis;
const apps: RunningApp[] = [];

beforeAll(async () => {
  await createTestTopics(stack.kafka, stack.env);
  admin = stack.kafka.admin();
  await admin.connect();
  producer = createReliableProducer(stack.kafka);
  await producer.connect();
  redis = stack.redis();
});
afterAll(async () => {
  for (const app of apps) await app.close().catch(() => undefined);
  await producer?.disconnect();
  await admin
    ?.deleteTopics({
      topics: [
        env.OTKLIK_TOPIC_COMMENTS,
        env.OTKLIK_TOPIC_CLASSIFIED,
        env.OTKLIK_TOPIC_ALERTS,
        env.OTKLIK_TOPIC_DLQ,
      ] as string[],
    })
    .catch(() => undefined);
  await admin?.deleteGroups([env.OTKLIK_GROUP_ID as string]).catch(() => undefined);
  await admin?.disconnect();
  await deleteKeys(redis, stack.env);
  redis?.disconnect();
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: stack.env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function start(onStateLost?: (error: StateLostError) => void) {
  const app = await startApp(config(), stack.logger, { roles: ['worker', 'sweeper'], onStateLost });
  apps.push(app);
  return app;
}

describe('a Redis that lost the SLA state', () => {
  it('is noticed while running, refused at start, and accepted only by the operator', async () => {
    // A new keyspace: the first start writes one generation into every shard.
    let lost: StateLostError | undefined;
    const first = await start((error) => (lost = error));
    const generations = await readGenerations(redis, env.OTKLIK_KEY_PREFIX as string, SHARDS);
    expect(generations[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(generations)).toEqual(new Set([generations[0]]));

    await producer.send({
      topic: env.OTKLIK_TOPIC_COMMENTS as string,
      acks: -1,
      messages: [1, 2, 3].map((n) => {
        const event = commentEvent({ comment_id: `lost-${n}` });
        return { key: `${event.platform}:${event.comment_id}`, value: encodeCommentEvent(event) };
      }),
    });
    await waitUntilAllCommitted(
      admin,
      env.OTKLIK_GROUP_ID as string,
      env.OTKLIK_TOPIC_COMMENTS as string,
      30_000,
    );
    expect(first.unhealthy()).toEqual([]);
    expect(await first.metrics.registry.getSingleMetricAsString('otklik_state_lost')).toMatch(
      /otklik_state_lost 0/,
    );

    // The keyspace is gone (FLUSHALL of our keys): the running roles stop and say why.
    expect(await deleteKeys(redis, stack.env)).toBeGreaterThan(0);
    await until('the running worker noticing the loss', () => Promise.resolve(lost), 10_000);
    expect(lost?.message).toContain('was lost while running');
    expect(first.unhealthy()).toContain('SLA state lost');
    expect(await first.metrics.registry.getSingleMetricAsString('otklik_state_lost')).toMatch(
      /otklik_state_lost 1/,
    );
    await first.close();

    // A restart refuses: the group committed offsets, so an empty keyspace is a loss, not a new start.
    const refusal = await startApp(config(), stack.logger, { roles: ['worker'] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(StateLostError);
    expect((refusal as Error).message).toContain('accept-loss');
    expect((refusal as Error).message).toContain(env.OTKLIK_GROUP_ID);

    const show = await cli('state', 'show');
    expect(show.code).toBe(0);
    expect(JSON.parse(show.out)).toMatchObject({ group_has_committed: true, decision: { kind: 'lost' } });
    expect((await cli('state', 'accept-loss')).code).toBe(2);
    const accepted = await cli('state', 'accept-loss', '--yes');
    expect(accepted.code).toBe(0);
    const { generation } = JSON.parse(accepted.out) as { generation: string };

    const again = await start();
    expect(await readGenerations(redis, env.OTKLIK_KEY_PREFIX as string, SHARDS)).toEqual(
      Array(SHARDS).fill(generation),
    );
    expect(again.unhealthy()).toEqual([]);
    await again.close();
  });

  it('a keyspace written before generations existed (layout keys, no generation) is adopted', async () => {
    const keys = new SlaKeys(env.OTKLIK_KEY_PREFIX as string);
    for (let shard = 0; shard < SHARDS; shard++) await redis.del(keys.generation(shard));
    const app = await start();
    const generations = await readGenerations(redis, env.OTKLIK_KEY_PREFIX as string, SHARDS);
    expect(generations.every((g) => g !== null && g === generations[0])).toBe(true);
    await app.close();
  });
});

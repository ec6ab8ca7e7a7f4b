import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { SlaReader } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { ensureTopics } from '../../../../services/adapters/kafka/topics.js';
import { Sweeper } from '../../../../services/roles/sweeper/sweeper.js';
import { decodeSlaAlert } from '../../../../services/core/contracts/index.js';
import type { OpenSlaCommand } from '../../../../services/core/sla/commands.js';
import { isolatedStack } from '../../../support/fixture.js';
import { readTopic } from '../../../support/topic-reader.js';
import { openCommand, serverNow } from '../../adapters/redis/helpers.js';

const SHARDS = 4;
const ALL_SHARDS = [0, 1, 2, 3];
const stack = isolatedStack('sla-sweepers');
const prefix = stack.env.OTKLIK_KEY_PREFIX as string;
const clients: Redis[] = [];
const sweepers: Sweeper[] = [];
let redis: Redis;
let store: SlaStore;

beforeAll(() => {
  redis = stack.redis();
  store = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 600_000 });
});
afterAll(async () => {
  await Promise.all(sweepers.map((s) => s.close()));
  for (const client of [redis, ...clients]) client.disconnect();
});

/** A sweeper as a separate process would run it: its own Redis connection and Kafka producer. */
function startSweeper(topic: string, overrides: { leaseMs?: number; claimBatch?: number } = {}) {
  const client = stack.redis();
  clients.push(client);
  return Sweeper.start({
    kafka: stack.kafka,
    store: new SlaStore(client, { prefix, shards: SHARDS, retentionMs: 600_000 }),
    logger: stack.logger,
    alertsTopic: topic,
    shards: SHARDS,
    leaseMs: overrides.leaseMs ?? 60_000,
    maxSleepMs: 100,
    claimBatch: overrides.claimBatch ?? 200,
  }).then((sweeper) => {
    sweepers.push(sweeper);
    return sweeper;
  });
}

async function openDue(count: number): Promise<OpenSlaCommand[]> {
  const now = await serverNow(redis);
  const commands = Array.from({ length: count }, () =>
    openCommand(now, SHARDS, {
      postedAt: now - 10_000,
      warnAt: now - 5_000,
      dueAt: now - 1,
      maxEscalationLevel: 0,
    }),
  );
  for (let i = 0; i < commands.length; i += 1000) await store.apply(commands.slice(i, i + 1000));
  return commands;
}

async function newTopic(name: string): Promise<string> {
  const topic = `${stack.env.OTKLIK_TOPIC_ALERTS}.${name}`;
  await ensureTopics(stack.kafka, [{ topic, numPartitions: 3, replicationFactor: 1 }]);
  return topic;
}

describe('sweepers publishing to a real Kafka topic', () => {
  it('five sweepers over 10,000 due items publish exactly one alert per (comment, kind, level)', async () => {
    const topic = await newTopic('five');
    const reader = await readTopic(stack.kafka, topic);
    const commands = await openDue(10_000);
    const five = await Promise.all(Array.from({ length: 5 }, () => startSweeper(topic)));

    await reader.waitFor((m) => m.length >= 10_000, 90_000);
    // Time for a wrong second alert to show up before counting.
    await new Promise((r) => setTimeout(r, 1_500));
    await Promise.all(five.map((s) => s.close()));
    const alerts = reader.messages.map((m) => decodeSlaAlert(m.value as Buffer));
    await reader.close();

    expect(alerts).toHaveLength(10_000);
    expect(new Set(alerts.map((a) => `${a.comment_key}|${a.kind}|${a.level}`)).size).toBe(10_000);
    expect(new Set(alerts.map((a) => a.alert_id)).size).toBe(10_000);
    expect(new Set(alerts.map((a) => a.comment_key))).toEqual(new Set(commands.map((c) => c.commentKey)));
    expect(alerts.every((a) => a.kind === 'BREACH' && a.level === 0 && a.overdue_ms >= 0)).toBe(true);
    const totals = (await new SlaReader(redis, { prefix, shards: SHARDS }).counters()).totals;
    expect(totals.breached).toBe(10_000);
  });

  it('alerts that a sweeper claimed before it died are published by another once the lease expires', async () => {
    const topic = await newTopic('died');
    const reader = await readTopic(stack.kafka, topic);
    const commands = await openDue(30);
    const mine = new Set(commands.map((c) => c.commentKey));

    // The sweeper that dies: it claims everything under a 2 s lease, then never publishes nor acks.
    const leaseMs = 2_000;
    const dead = await store.claimDueMany(ALL_SHARDS, 1000, leaseMs);
    const claimedAt = Math.min(...dead.map((r) => r.now));
    expect(dead.flatMap((r) => r.alerts).filter((a) => mine.has(a.commentKey))).toHaveLength(30);

    await startSweeper(topic, { leaseMs: 30_000 });
    await new Promise((r) => setTimeout(r, 1_000));
    const ours = () =>
      reader.messages.map((m) => decodeSlaAlert(m.value as Buffer)).filter((a) => mine.has(a.comment_key));
    expect(ours()).toEqual([]);

    await reader.waitFor(() => ours().length >= 30, 30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const alerts = ours();
    await reader.close();
    expect(alerts).toHaveLength(30);
    expect(new Set(alerts.map((a) => a.comment_key)).size).toBe(30);
    expect(alerts.every((a) => a.kind === 'BREACH' && a.fired_at >= claimedAt + leaseMs)).toBe(true);
  });
});

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTopics } from '../../../../services/adapters/kafka/topics.js';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { Sweeper, type SweeperOptions } from '../../../../services/roles/sweeper/sweeper.js';
import { decodeSlaAlert } from '../../../../services/core/contracts/index.js';
import { isolatedStack } from '../../../support/fixture.js';
import { readTopic } from '../../../support/topic-reader.js';
import { openCommand, serverNow } from '../../adapters/redis/helpers.js';

/**
 * A sweeper acks an alert only after publishing it, so it must never sweep without a connected
 * producer: there is no Sweeper before `Sweeper.start` has connected one, and a closed one refuses.
 */
const SHARDS = 2;
const stack = isolatedStack('sla-sweeper-lifecycle');
const prefix = stack.env.OTKLIK_KEY_PREFIX as string;
const topic = stack.env.OTKLIK_TOPIC_ALERTS as string;
let redis: Redis;
let store: SlaStore;

beforeAll(async () => {
  redis = stack.redis();
  store = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 600_000 });
  await ensureTopics(stack.kafka, [{ topic, numPartitions: 1, replicationFactor: 1 }]);
});
afterAll(() => redis.disconnect());

const options = (): SweeperOptions => ({
  kafka: stack.kafka,
  store,
  logger: stack.logger,
  alertsTopic: topic,
  shards: SHARDS,
  leaseMs: 60_000,
  maxSleepMs: 100,
  claimBatch: 100,
});

/** Never called: tsc (npm run check) fails here if a Sweeper could again be built before its producer. */
export function constructingWithoutStart(): void {
  // @ts-expect-error the constructor is private: Sweeper.start connects the producer first
  new Sweeper(options());
}

async function openDue() {
  const now = await serverNow(redis);
  const command = openCommand(now, SHARDS, {
    postedAt: now - 10_000,
    warnAt: now - 5_000,
    dueAt: now - 1,
    maxEscalationLevel: 0,
  });
  await store.apply([command]);
  return command;
}

describe('a sweeper never acks what it did not publish', () => {
  it('started, it publishes a due alert and then acks it; closed, it refuses to sweep and claims nothing', async () => {
    const reader = await readTopic(stack.kafka, topic);
    const sweeper = await Sweeper.start(options());
    const published = await openDue();
    await reader.waitFor(
      (m) => m.some((x) => decodeSlaAlert(x.value as Buffer).comment_key === published.commentKey),
      30_000,
    );
    await sweeper.close();
    // The BREACH was acked (after the broker confirmed it): nothing of that comment is left to claim.
    const left = await store.claimDue(published.shard, 100, 60_000);
    expect(left.alerts.map((a) => a.commentKey)).not.toContain(published.commentKey);

    const waiting = await openDue();
    const started = Date.now();
    await expect(sweeper.sweepOnce()).rejects.toThrow('sweeper is closed');
    expect(Date.now() - started).toBeLessThan(1_000);
    // Not claimed by the refused pass (no lease taken): the next claim hands it out at once.
    const claim = await store.claimDue(waiting.shard, 100, 60_000);
    expect(claim.alerts.map((a) => `${a.commentKey} ${a.kind}`)).toContain(`${waiting.commentKey} BREACH`);
    await reader.close();
  });
});

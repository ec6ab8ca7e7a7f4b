/**
 * Redis unavailable for six seconds while comments flow, on a private redis-server (the machine's
 * shared one is never touched): the worker process publishes nothing it could not register, waits,
 * recovers on its own, and the totals come out exact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import {
  committedOffsets,
  endOffsets,
  produce,
  readToEnd,
  sleep,
  sumOf,
  until,
  waitForStableGroup,
  waitUntilAllCommitted,
} from '../../../../tools/harness/kafka.js';
import { readOutputs, readTotals } from '../../../../tools/harness/outcome.js';
import { commitBounds } from '../../../../tools/harness/commit-bounds.js';
import { startOwnRedis, type OwnRedis } from '../../../../tools/harness/redis-server.js';
import { openScenario, withWorkerLogs, type Scenario } from '../../../support/scenario.js';
import { launchRole, type RoleProcess } from '../../../../services/runtime/launch.js';

const PARTITIONS = 3;
/** 3,000 messages at 300 per second: 10 s of traffic, with the outage from about the 2nd to the 8th second. */
const WORKLOAD = {
  seed: 23,
  comments: 2_400,
  replies: 300,
  deletes: 150,
  duplicates: 100,
  edits: 33,
  badMessages: 17,
};
const OUTAGE_MS = 6_000;
/** Set by the SIGTERM-while-frozen test: from the first process's exit to the next one's first commit. */
let takeoverMs: number | undefined;

let scenario: Scenario | undefined;
let ownRedis: OwnRedis | undefined;
let client: Redis | undefined;
let workers: RoleProcess[] = [];
afterEach(async () => {
  client?.disconnect();
  await scenario?.close();
  await ownRedis?.dispose();
  scenario = undefined;
  ownRedis = undefined;
  client = undefined;
  workers = [];
});

async function outageUnderLoad(
  label: string,
  outage: { begin(r: OwnRedis): Promise<void> | void; end(r: OwnRedis): Promise<void> | void },
  persistent: boolean,
) {
  const redis = (ownRedis = await startOwnRedis({ persistent }));
  const s = (scenario = await openScenario(label, {
    partitions: PARTITIONS,
    workload: WORKLOAD,
    env: { REDIS_URL: redis.url },
  }));
  workers = [launchRole({ name: 'worker', env: s.env })];
  await withWorkerLogs(
    () => workers,
    async () => {
      await waitForStableGroup(s.admin, s.group, s.input, 1, PARTITIONS);
      const flowing = produce(s.producer, s.input, s.workload.messages, { perSecond: 300, batch: 15 });
      const classified = s.env.OTKLIK_TOPIC_CLASSIFIED as string;
      const published = async () => sumOf(await endOffsets(s.admin, classified));

      // Outputs flowing before the outage (polled: a loaded machine may take a while to get going).
      await until(
        'the worker to publish 300 outputs',
        async () => ((await published()) > 300 ? true : undefined),
        60_000,
      );
      await outage.begin(redis);
      // What was in flight when Redis went away settles within a second or two; after that nothing may be
      // published (every output follows its Redis transition).
      await sleep(2_000);
      const early = await published();
      await sleep(OUTAGE_MS - 3_000);
      const late = await published();
      expect(late - early, 'outputs published while Redis was down').toBe(0);
      await sleep(1_000);
      await outage.end(redis);

      await flowing;
      await waitUntilAllCommitted(s.admin, s.group, s.input, 60_000);
      expect((workers[0] as RoleProcess).exitedEarly(), 'the worker process kept running').toBe(false);

      client = new Redis(redis.url);
      expect(await readTotals(client, s.env)).toEqual(s.workload.expected);
      const outputs = await readOutputs(s.kafka, s.admin, s.env);
      expect(new Set(outputs.classifiedPerKey.keys())).toEqual(s.workload.classifiedKeys);
      expect(outputs.classified.length).toBeGreaterThanOrEqual(s.workload.classifiedMessages);
      // Redis failing is not the input's fault: only the bad messages went to the dead-letter topic.
      expect(outputs.deadLetterSources.size).toBe(s.workload.badMessages);
    },
  );
}

describe('Redis unavailable for six seconds under load', () => {
  it('frozen (SIGSTOP: connections hang): the worker waits, resumes, and the totals are exact', async () => {
    await outageUnderLoad('redis-frozen', { begin: (r) => r.pause(), end: (r) => r.resume() }, false);
  });

  it('shut down and restarted on the same port (connections refused): the worker retries, recovers, totals exact', async () => {
    await outageUnderLoad('redis-restart', { begin: (r) => r.shutDown(), end: (r) => r.start() }, true);
  });

  it('SIGTERM while Redis is frozen: the process exits within its shutdown timeout having committed only finished work; the next one makes the totals exact', async () => {
    const redis = (ownRedis = await startOwnRedis());
    const s = (scenario = await openScenario('redis-frozen-stop', {
      partitions: PARTITIONS,
      workload: WORKLOAD,
      env: { REDIS_URL: redis.url, OTKLIK_SHUTDOWN_TIMEOUT_MS: '5000' },
    }));
    workers = [launchRole({ name: 'first', env: s.env })];
    await withWorkerLogs(
      () => workers,
      async () => {
        await waitForStableGroup(s.admin, s.group, s.input, 1, PARTITIONS);
        const flowing = produce(s.producer, s.input, s.workload.messages, { perSecond: 600, batch: 30 });
        await sleep(3_000);
        redis.pause();
        await sleep(2_000);
        const stopStarted = Date.now();
        await (workers[0] as RoleProcess).stop();
        const exitedAt = Date.now();
        // The chunk in hand can neither finish nor be abandoned cleanly: the shutdown timeout ends it.
        // 5 s of shutdown timeout plus the scheduling slack of a loaded 2-core machine.
        expect(Date.now() - stopStarted, 'exit within the 5 s shutdown timeout').toBeLessThan(25_000);

        const committed = await committedOffsets(s.admin, s.group, s.input);
        const outputs = await readOutputs(s.kafka, s.admin, s.env);
        await flowing;
        const input = await readToEnd(s.kafka, s.admin, s.input);
        for (const [partition, { min, max }] of commitBounds(input, outputs)) {
          const at = committed.get(partition) ?? 0;
          expect(at, `partition ${partition}: commit covers all it finished`).toBeGreaterThanOrEqual(min);
          expect(at, `partition ${partition}: commit covers nothing unfinished`).toBeLessThanOrEqual(max);
        }

        // Redis thaws and still runs the scripts the dead process had sent; the next process replays
        // those messages, and the idempotent scripts keep the counters exact.
        redis.resume();
        workers.push(launchRole({ name: 'second', env: s.env }));
        await until(
          'the second process to commit',
          async () =>
            sumOf(await committedOffsets(s.admin, s.group, s.input)) > sumOf(committed) ? true : undefined,
          60_000,
        );
        takeoverMs = Date.now() - exitedAt;
        await waitUntilAllCommitted(s.admin, s.group, s.input, 60_000);
        client = new Redis(redis.url);
        expect(await readTotals(client, s.env)).toEqual(s.workload.expected);
        const final = await readOutputs(s.kafka, s.admin, s.env);
        expect(new Set(final.classifiedPerKey.keys())).toEqual(s.workload.classifiedKeys);
        expect(final.classified.length).toBeGreaterThanOrEqual(s.workload.classifiedMessages);
        expect(final.deadLetterSources.size).toBe(s.workload.badMessages);
      },
    );
  });

  // With a Redis command timeout the stopping worker abandons its chunk and leaves the group, so its
  // partitions move before the 30 s session timeout would have freed them (spawn time included).
  it('after SIGTERM with Redis frozen, another worker takes the partitions over before the session timeout', () => {
    expect(takeoverMs).toBeDefined();
    expect(takeoverMs).toBeLessThan(28_000);
  });
});

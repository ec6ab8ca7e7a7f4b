/**
 * Redis unavailable for ten seconds while comments flow, on a private redis-server (the machine's
 * shared one is never touched): the worker process publishes nothing it could not register, waits,
 * recovers on its own, and the totals come out exact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import {
  endOffsets,
  produce,
  sleep,
  sumOf,
  waitForStableGroup,
  waitUntilAllCommitted,
} from '../../support/runtime/kafka.js';
import { readOutputs, readTotals } from '../../support/runtime/outcome.js';
import { startOwnRedis, type OwnRedis } from '../../support/runtime/redis-server.js';
import { openScenario, withWorkerLogs, type Scenario } from '../../support/runtime/scenario.js';
import { spawnOtklik, type WorkerProcess } from '../../support/runtime/worker-process.js';

const PARTITIONS = 3;
/** 4,500 messages at 300 per second: 15 s of traffic, with the outage from the 3rd to the 13th second. */
const WORKLOAD = {
  seed: 23,
  comments: 3_600,
  replies: 450,
  deletes: 225,
  duplicates: 150,
  edits: 50,
  badMessages: 25,
};
const OUTAGE_MS = 10_000;

let scenario: Scenario | undefined;
let ownRedis: OwnRedis | undefined;
let client: Redis | undefined;
let workers: WorkerProcess[] = [];
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
  workers = [spawnOtklik('worker', s.env)];
  await withWorkerLogs(
    () => workers,
    async () => {
      await waitForStableGroup(s.admin, s.group, s.input, 1, PARTITIONS);
      const flowing = produce(s.producer, s.input, s.workload.messages, { perSecond: 300, batch: 15 });
      const classified = s.env.OTKLIK_TOPIC_CLASSIFIED as string;
      const published = async () => sumOf(await endOffsets(s.admin, classified));

      await sleep(3_000);
      const beforeOutage = await published();
      expect(beforeOutage, 'the worker was busy before the outage').toBeGreaterThan(300);
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
      expect((workers[0] as WorkerProcess).exitedEarly(), 'the worker process kept running').toBe(false);

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

describe('Redis unavailable for ten seconds under load', () => {
  it('frozen (SIGSTOP: connections hang): the worker waits, resumes, and the totals are exact', async () => {
    await outageUnderLoad('redis-frozen', { begin: (r) => r.pause(), end: (r) => r.resume() }, false);
  });

  it('shut down and restarted on the same port (connections refused): the worker retries, recovers, totals exact', async () => {
    await outageUnderLoad('redis-restart', { begin: (r) => r.shutDown(), end: (r) => r.start() }, true);
  });
});

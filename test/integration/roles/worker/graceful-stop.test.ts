/**
 * A worker process stopped with SIGTERM while comments flow: it finishes the chunk in hand, commits
 * exactly what it finished, and exits 0; a new process picks up from there, so nothing is lost and
 * nothing is counted (or even published) twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  committedOffsets,
  endOffsets,
  produce,
  readToEnd,
  sumOf,
  until,
  waitForStableGroup,
  waitUntilAllCommitted,
  type Offsets,
} from '../../../../tools/harness/kafka.js';
import { readOutputs, readTotals } from '../../../../tools/harness/outcome.js';
import { commitBounds } from '../../../../tools/harness/commit-bounds.js';
import { openScenario, withWorkerLogs, type Scenario } from '../../../support/scenario.js';
import { launchRole, type RoleProcess } from '../../../../services/runtime/launch.js';

const PARTITIONS = 6;
/** 6,000 messages, sent at 1,000 per second. */
const WORKLOAD = {
  seed: 11,
  comments: 4_800,
  replies: 600,
  deletes: 300,
  duplicates: 200,
  edits: 70,
  badMessages: 30,
};

let scenario: Scenario | undefined;
let workers: RoleProcess[] = [];
afterEach(async () => {
  await scenario?.close();
  scenario = undefined;
  workers = [];
});

describe('a worker process stopped with SIGTERM mid-stream', () => {
  it('commits what it finished and nothing else; the next process continues without loss or double counting', async () => {
    const s = (scenario = await openScenario('sigterm', { partitions: PARTITIONS, workload: WORKLOAD }));
    workers = [launchRole({ name: 'first', env: s.env })];
    await withWorkerLogs(
      () => workers,
      async () => {
        await waitForStableGroup(s.admin, s.group, s.input, 1, PARTITIONS);
        const flowing = produce(s.producer, s.input, s.workload.messages, { perSecond: 1_000, batch: 50 });

        // Stop it once about a quarter of the stream went through, while the rest is still coming.
        const classifiedTopic = s.env.OTKLIK_TOPIC_CLASSIFIED as string;
        await until(
          'a quarter of the classified outputs',
          async () => (sumOf(await endOffsets(s.admin, classifiedTopic)) >= 1_500 ? true : undefined),
          30_000,
        );
        const stopStarted = Date.now();
        const exit = await (workers[0] as RoleProcess).stop();
        const stopMs = Date.now() - stopStarted;
        expect(exit).toEqual({ code: 0, signal: null });
        expect(stopMs).toBeLessThan(15_000);

        // Nothing runs now: the commits and outputs of the stopped process can be compared at rest.
        const committed: Offsets = await committedOffsets(s.admin, s.group, s.input);
        const outputs = await readOutputs(s.kafka, s.admin, s.env);
        await flowing;
        const input = await readToEnd(s.kafka, s.admin, s.input);
        expect(input).toHaveLength(s.workload.messages.length);
        expect(sumOf(committed), 'it did commit work before stopping').toBeGreaterThan(1_000);
        expect(sumOf(committed), 'it was stopped mid-stream').toBeLessThan(input.length - 500);
        for (const [partition, { min, max }] of commitBounds(input, outputs)) {
          const at = committed.get(partition) ?? 0;
          expect(at, `partition ${partition}: commit covers all it finished`).toBeGreaterThanOrEqual(min);
          expect(at, `partition ${partition}: commit covers nothing unfinished`).toBeLessThanOrEqual(max);
        }

        workers.push(launchRole({ name: 'second', env: s.env }));
        await waitUntilAllCommitted(s.admin, s.group, s.input, 60_000);
        expect(await readTotals(s.redisClient, s.env)).toEqual(s.workload.expected);
        const final = await readOutputs(s.kafka, s.admin, s.env);
        expect(new Set(final.classifiedPerKey.keys())).toEqual(s.workload.classifiedKeys);
        // The second process started exactly where the first one stopped: not one message twice.
        expect(final.classified).toHaveLength(s.workload.classifiedMessages);
        expect(final.deadLetters).toHaveLength(s.workload.badMessages);
        expect(final.deadLetterSources.size).toBe(s.workload.badMessages);
      },
    );
  });
});

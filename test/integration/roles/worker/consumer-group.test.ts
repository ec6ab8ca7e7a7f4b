/**
 * Several worker processes in one consumer group, on the real broker and Redis: each gets a share of
 * the partitions, and whatever the split (and a rebalance in the middle of the stream), the SLA counters
 * and the classified outputs come out exactly as the workload dictates.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readOutputs, readTotals } from '../../../../tools/harness/outcome.js';
import {
  committedOffsets,
  describeGroup,
  produce,
  waitForStableGroup,
  waitUntilAllCommitted,
  type GroupMember,
} from '../../../../tools/harness/kafka.js';
import { openScenario, withWorkerLogs, type Scenario } from '../../../support/scenario.js';
import { launchRole, type RoleProcess } from '../../../../services/runtime/launch.js';

const PARTITIONS = 6;
/** 3,000 messages: 2,400 comments, 300 replies, 150 deletes, 100 duplicates, 35 edits, 15 bad ones. */
const WORKLOAD = {
  seed: 6,
  comments: 2_400,
  replies: 300,
  deletes: 150,
  duplicates: 100,
  edits: 35,
  badMessages: 15,
};

let scenario: Scenario | undefined;
let workers: RoleProcess[] = [];
afterEach(async () => {
  await scenario?.close();
  scenario = undefined;
  workers = [];
});

/** Every partition's outputs: the worker producer keys them like the input, so they share its partition. */
function outputsPerMember(
  members: { clientId: string; partitions: number[] }[],
  outputs: { partition: number }[],
): Map<string, number> {
  return new Map(
    members.map((m) => [m.clientId, outputs.filter((o) => m.partitions.includes(o.partition)).length]),
  );
}

async function expectExactTotals(s: Scenario, options: { exactlyOnce: boolean }) {
  expect(await readTotals(s.redisClient, s.env)).toEqual(s.workload.expected);
  const outputs = await readOutputs(s.kafka, s.admin, s.env);
  expect(new Set(outputs.classifiedPerKey.keys())).toEqual(s.workload.classifiedKeys);
  expect(outputs.deadLetterSources.size).toBe(s.workload.badMessages);
  if (options.exactlyOnce) {
    expect(outputs.classified).toHaveLength(s.workload.classifiedMessages);
    expect(outputs.deadLetters).toHaveLength(s.workload.badMessages);
  } else {
    expect(outputs.classified.length).toBeGreaterThanOrEqual(s.workload.classifiedMessages);
  }
  return outputs;
}

describe('worker processes in one consumer group', () => {
  it('two processes share the partitions and count 3,000 messages exactly', async () => {
    const s = (scenario = await openScenario('group-of-two', { partitions: PARTITIONS, workload: WORKLOAD }));
    expect(s.workload.messages).toHaveLength(3_000);
    workers = [launchRole({ name: 'w1', env: s.env }), launchRole({ name: 'w2', env: s.env })];

    await withWorkerLogs(
      () => workers,
      async () => {
        const members = await waitForStableGroup(s.admin, s.group, s.input, 2, PARTITIONS);
        expect(members.map((m) => m.clientId).sort()).toEqual([
          `${s.env.KAFKA_CLIENT_ID}-w1`,
          `${s.env.KAFKA_CLIENT_ID}-w2`,
        ]);
        for (const m of members) expect(m.partitions.length).toBeGreaterThan(0);

        await produce(s.producer, s.input, s.workload.messages);
        await waitUntilAllCommitted(s.admin, s.group, s.input, 60_000);

        // No rebalance happened: the same two members did all the work, each on its own share.
        const after = await describeGroup(s.admin, s.group, s.input);
        expect(after.members.map((m) => m.memberId).sort()).toEqual(members.map((m) => m.memberId).sort());
        const outputs = await expectExactTotals(s, { exactlyOnce: true });
        for (const [clientId, handled] of outputsPerMember(members, outputs.classified)) {
          expect(handled, `classified outputs of ${clientId}`).toBeGreaterThan(300);
        }
      },
    );
  });

  it('a third process joining mid-stream takes a share; totals stay exact across the rebalance', async () => {
    const s = (scenario = await openScenario('group-of-three', {
      partitions: PARTITIONS,
      workload: WORKLOAD,
    }));
    workers = [launchRole({ name: 'w1', env: s.env }), launchRole({ name: 'w2', env: s.env })];

    await withWorkerLogs(
      () => workers,
      async () => {
        await waitForStableGroup(s.admin, s.group, s.input, 2, PARTITIONS);
        // The first half flows while the third process starts and joins: a rebalance mid-stream.
        const half = s.workload.messages.length / 2;
        const firstHalf = produce(s.producer, s.input, s.workload.messages.slice(0, half), {
          perSecond: 500,
          batch: 25,
        });
        workers.push(launchRole({ name: 'w3', env: s.env }));
        const members = await waitForStableGroup(s.admin, s.group, s.input, 3, PARTITIONS);
        expect(members.map((m) => m.partitions.length)).toEqual([2, 2, 2]);
        await firstHalf;
        const third = members.find((m) => m.clientId.endsWith('-w3')) as GroupMember;
        const beforeThird = await committedOffsets(s.admin, s.group, s.input);

        await produce(s.producer, s.input, s.workload.messages.slice(half));
        const committed = await waitUntilAllCommitted(s.admin, s.group, s.input, 60_000);

        // Nobody left or joined since: what was committed on the third's partitions after it joined is
        // its work.
        const last = await describeGroup(s.admin, s.group, s.input);
        expect(last.members.map((m) => m.memberId).sort()).toEqual(members.map((m) => m.memberId).sort());
        const progress = (offsets: Map<number, number>) =>
          third.partitions.reduce((sum, p) => sum + (offsets.get(p) ?? 0), 0);
        expect(progress(committed) - progress(beforeThird)).toBeGreaterThan(300);

        // A rebalance may hand a partition over between a chunk's outputs and its commit, so outputs
        // are at least once; the Redis scripts keep the counters exact all the same.
        await expectExactTotals(s, { exactlyOnce: false });
      },
    );
  });
});

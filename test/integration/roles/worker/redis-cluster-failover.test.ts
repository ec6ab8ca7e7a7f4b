/**
 * The roles on a Redis Cluster of three masters with a replica each (scripts/redis-cluster.sh on ports
 * of its own): a process running the worker and the sweeper, connected with REDIS_CLUSTER_NODES and
 * committing only what a replica holds, gets exact totals; and when one master is SIGKILLed while
 * comments flow, the cluster promotes its replica and the roles follow it without a restart: nothing
 * acknowledged is lost, nothing is counted twice.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisClient } from '../../../../services/adapters/redis/connect.js';
import { launchRole, type RoleProcess } from '../../../../services/runtime/launch.js';
import {
  endOffsets,
  produce,
  sumOf,
  until,
  waitForStableGroup,
  waitUntilAllCommitted,
} from '../../../../tools/harness/kafka.js';
import { readOutputs, readTotals } from '../../../../tools/harness/outcome.js';
import { openScenario, withWorkerLogs, type Scenario } from '../../../support/scenario.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'redis-cluster.sh');
const STATE = join(ROOT, '.otklik', 'redis-cluster');
/** Not the suite's replica-less cluster (7101-7103): a cluster of its own, the first three masters. */
const PORTS = ['7111', '7112', '7113', '7114', '7115', '7116'];
const CLUSTER_ENV = { ...process.env, REDIS_CLUSTER_PORTS: PORTS.join(' '), REDIS_CLUSTER_REPLICAS: '1' };
const PARTITIONS = 3;
const WORKLOAD = {
  seed: 37,
  comments: 1_900,
  replies: 240,
  deletes: 120,
  duplicates: 80,
  edits: 40,
  badMessages: 20,
};

let nodes = '';
let scenario: Scenario | undefined;
let workers: RoleProcess[] = [];
let client: RedisClient | undefined;

const script = (...args: string[]) =>
  execFileSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: CLUSTER_ENV }).trim();

/** Port of each master (by CLUSTER NODES, asked of a node that answers), the failed ones left out. */
function masters(): string[] {
  for (const port of PORTS) {
    try {
      const out = execFileSync('redis-cli', ['-p', port, 'cluster', 'nodes'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      return out
        .split('\n')
        .filter((line) => {
          const flags = line.split(' ')[2] ?? '';
          return flags.split(',').includes('master') && !flags.includes('fail');
        })
        .map((line) => /:(\d+)@/.exec(line)?.[1] as string)
        .sort();
    } catch {
      // This node is down; ask the next.
    }
  }
  return [];
}

const envOf = () => ({
  REDIS_URL: `redis://127.0.0.1:${PORTS[0]}`,
  REDIS_CLUSTER_NODES: nodes,
  OTKLIK_REDIS_WAIT_REPLICAS: '1',
});

beforeAll(() => {
  nodes = /^REDIS_CLUSTER_NODES=(.+)$/m.exec(script('up'))?.[1] ?? '';
  expect(nodes.split(',')).toHaveLength(6);
});
afterAll(() => {
  script('down');
});
afterEach(async () => {
  client?.disconnect();
  await scenario?.close();
  scenario = undefined;
  client = undefined;
  workers = [];
});

async function expectExact(s: Scenario): Promise<void> {
  await waitUntilAllCommitted(s.admin, s.group, s.input, 60_000);
  expect((workers[0] as RoleProcess).exitedEarly(), 'the worker process kept running').toBe(false);
  client = connectRedis({ REDIS_URL: envOf().REDIS_URL, REDIS_CLUSTER_NODES: nodes });
  expect(await readTotals(client, s.env)).toEqual(s.workload.expected);
  const outputs = await readOutputs(s.kafka, s.admin, s.env);
  expect(new Set(outputs.classifiedPerKey.keys())).toEqual(s.workload.classifiedKeys);
  expect(outputs.deadLetterSources.size).toBe(s.workload.badMessages);
}

describe('the roles on a Redis Cluster with a replica per master', () => {
  it('a master SIGKILLed under load: its replica is promoted, the roles follow, the totals are exact', async () => {
    const s = (scenario = await openScenario('redis-cluster-failover', {
      partitions: PARTITIONS,
      workload: WORKLOAD,
      env: envOf(),
    }));
    // Both roles in one process: the sweeper's claims fail during the failover and must resume too.
    workers = [launchRole({ name: 'worker', env: s.env, roles: ['worker', 'sweeper'] })];
    await withWorkerLogs(
      () => workers,
      async () => {
        const before = masters();
        expect(before).toHaveLength(3);
        await waitForStableGroup(s.admin, s.group, s.input, 1, PARTITIONS);
        const flowing = produce(s.producer, s.input, s.workload.messages, { perSecond: 400, batch: 20 });
        const classified = s.env.OTKLIK_TOPIC_CLASSIFIED as string;
        await until(
          'the worker to publish 300 outputs',
          async () => (sumOf(await endOffsets(s.admin, classified)) > 300 ? true : undefined),
          60_000,
        );
        const victim = before[0] as string;
        process.kill(Number(readFileSync(join(STATE, victim, 'redis.pid'), 'utf8')), 'SIGKILL');
        const after = await until(
          'the cluster to promote the replica',
          async () => {
            const now = masters();
            return now.length === 3 && !now.includes(victim) ? now : undefined;
          },
          30_000,
        );
        expect(after.filter((port) => !before.includes(port))).toHaveLength(1);
        // Back as the new master's replica: with one replica per master, WAIT 1 holds that master's
        // writes until then (paused, not lost).
        script('start-node', victim);

        await flowing;
        await expectExact(s);
      },
    );
  });
});

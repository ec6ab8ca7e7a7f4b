/**
 * A Redis master SIGKILLed while comments flow, with two replicas and three Sentinels: a process running
 * the worker and the sweeper, connected through the Sentinels and committing only what a replica holds
 * (OTKLIK_REDIS_WAIT_REPLICAS), follows the promotion without a restart, and the totals come out exact:
 * no acknowledged comment was forgotten with the master.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
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
const SCRIPT = join(ROOT, 'scripts', 'redis-sentinel.sh');
const STATE = join(ROOT, '.otklik', 'redis-sentinel');
const PARTITIONS = 3;
/** 2,400 messages at 400 per second: 6 s of traffic, the master killed after the first 300 outputs. */
const WORKLOAD = {
  seed: 31,
  comments: 1_900,
  replies: 240,
  deletes: 120,
  duplicates: 80,
  edits: 40,
  badMessages: 20,
};

let sentinels = '';
let scenario: Scenario | undefined;
let workers: RoleProcess[] = [];
let client: RedisClient | undefined;

const script = (command: string) => execFileSync('bash', [SCRIPT, command], { encoding: 'utf8' }).trim();

beforeAll(() => {
  const lines = script('up').split('\n');
  sentinels = (lines.find((l) => l.startsWith('REDIS_SENTINELS=')) ?? '').slice('REDIS_SENTINELS='.length);
  expect(sentinels).toMatch(/^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+){2}$/);
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

describe('the Redis master lost under load (Sentinel failover)', () => {
  it('worker and sweeper follow the promoted replica without a restart, and the totals are exact', async () => {
    const masterPort = script('master');
    const env = {
      REDIS_URL: `redis://127.0.0.1:${masterPort}`,
      REDIS_SENTINELS: sentinels,
      REDIS_SENTINEL_NAME: 'otklik',
      OTKLIK_REDIS_WAIT_REPLICAS: '1',
    };
    const s = (scenario = await openScenario('redis-failover', {
      partitions: PARTITIONS,
      workload: WORKLOAD,
      env,
    }));
    // Both roles in one process: the sweeper's claims fail during the failover and must resume too.
    workers = [launchRole({ name: 'worker', env: s.env, roles: ['worker', 'sweeper'] })];
    await withWorkerLogs(
      () => workers,
      async () => {
        await waitForStableGroup(s.admin, s.group, s.input, 1, PARTITIONS);
        const flowing = produce(s.producer, s.input, s.workload.messages, { perSecond: 400, batch: 20 });
        const classified = s.env.OTKLIK_TOPIC_CLASSIFIED as string;
        await until(
          'the worker to publish 300 outputs',
          async () => (sumOf(await endOffsets(s.admin, classified)) > 300 ? true : undefined),
          60_000,
        );
        const pid = Number(readFileSync(join(STATE, masterPort, 'redis.pid'), 'utf8'));
        process.kill(pid, 'SIGKILL');
        const promoted = await until(
          'the Sentinels to promote a replica',
          async () => {
            const now = script('master');
            return now !== masterPort ? now : undefined;
          },
          30_000,
        );
        expect(promoted).not.toBe(masterPort);

        await flowing;
        await waitUntilAllCommitted(s.admin, s.group, s.input, 60_000);
        expect((workers[0] as RoleProcess).exitedEarly(), 'the worker process kept running').toBe(false);

        client = connectRedis({
          REDIS_URL: env.REDIS_URL,
          REDIS_SENTINELS: sentinels,
          REDIS_SENTINEL_NAME: 'otklik',
        });
        expect(await readTotals(client, s.env)).toEqual(s.workload.expected);
        const outputs = await readOutputs(s.kafka, s.admin, s.env);
        expect(new Set(outputs.classifiedPerKey.keys())).toEqual(s.workload.classifiedKeys);
        expect(outputs.deadLetterSources.size).toBe(s.workload.badMessages);
      },
    );
  });

  // ioredis ends a Sentinel client for good when the failover detector disconnects it in the middle of a
  // Sentinel lookup (a reconnect already under way when +switch-master arrives): seen once under load as a
  // worker failing every command with "Connection is closed." until the test gave up. The lookup is cut
  // here by hand at the same point.
  it('a client whose Sentinel lookup is cut by a failover notice connects again instead of ending', async () => {
    const redis = connectRedis(
      {
        REDIS_URL: `redis://127.0.0.1:${script('master')}`,
        REDIS_SENTINELS: sentinels,
        REDIS_SENTINEL_NAME: 'otklik',
      },
      { onConnectionError: () => undefined },
    ) as Redis;
    client = redis;
    expect(await redis.ping()).toBe('PONG');
    let ended = false;
    redis.once('end', () => (ended = true));
    redis.once('connecting', () =>
      setImmediate(() => (redis as unknown as { connector: { disconnect(): void } }).connector.disconnect()),
    );
    redis.disconnect(true);
    await until(
      'ioredis to end the client (the race reproduced)',
      async () => (ended ? true : undefined),
      10_000,
    );
    const answer = await until(
      'the client to answer again',
      async () => (await redis.ping().catch(() => undefined)) ?? undefined,
      10_000,
    );
    expect(answer).toBe('PONG');
  });
});

// scripts/kafka/kafka.sh on a broker of its own (free ports, a temporary state dir), so the shared
// broker the other integration tests use is never touched: start reuses a running broker, Kafka's own
// tools run through it, stop stops it; with `npm run test:long`, a stop/start keeps topics and
// committed offsets.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from '../../../services/adapters/kafka/topics.js';

const run = promisify(execFile);
// Each of these tests starts a broker JVM and runs Kafka's tools (more JVMs): on a busy 2-core
// machine that takes a minute or more, so they get twice the integration project's default.
const BROKER_TEST_TIMEOUT = 240_000;
/** `npm run test:long` sets it: the long variants of the suite's heaviest files run too. */
const LONG_TESTS = process.env.OTKLIK_LONG_TESTS === '1';
const SCRIPT = join(import.meta.dirname, '..', '..', '..', 'scripts', 'kafka', 'kafka.sh');

/** A port nobody listens on right now, chosen by the OS. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port from the OS');
  return address.port;
}

interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('scripts/kafka/kafka.sh', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'otklik-kafka-script-'));
  let env: NodeJS.ProcessEnv;
  let brokers: string;

  async function kafkaSh(...args: string[]): Promise<ScriptResult> {
    try {
      const { stdout, stderr } = await run('bash', [SCRIPT, ...args], { env, maxBuffer: 16 << 20 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  const lastLine = (text: string) => text.trim().split('\n').at(-1);
  const pidFile = () => join(stateDir, 'kafka', 'kafka.pid');

  const TOPIC = 'scripts.kept';
  const GROUP_ID = 'scripts-kept-group';
  const kafka = () =>
    new Kafka({ clientId: 'kafka-scripts-test', brokers: [brokers], logLevel: logLevel.NOTHING });

  async function writeTopicAndOffset(): Promise<void> {
    const client = kafka();
    await ensureTopics(client, [{ topic: TOPIC, numPartitions: 1, replicationFactor: 1 }]);
    const producer = client.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: [{ value: 'first' }, { value: 'second' }] });
    await producer.disconnect();
    const admin = client.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: GROUP_ID, topic: TOPIC, partitions: [{ partition: 0, offset: '1' }] });
    await admin.disconnect();
  }

  async function expectOffsetKept(): Promise<void> {
    const admin = kafka().admin();
    await admin.connect();
    // Just after a (re)start the group's coordinator may still be loading, and kafkajs's
    // admin.fetchOffsets does not retry NOT_COORDINATOR: poll.
    await expect
      .poll(async () => (await admin.fetchOffsets({ groupId: GROUP_ID, topics: [TOPIC] }))[0]?.partitions, {
        timeout: 30_000,
        interval: 500,
      })
      .toEqual([expect.objectContaining({ partition: 0, offset: '1' })]);
    await admin.disconnect();
  }

  async function expectConsoleConsumerReads(): Promise<void> {
    const consumer = await kafkaSh(
      'console-consumer',
      TOPIC,
      '--from-beginning',
      '--max-messages',
      '2',
      '--timeout-ms',
      '30000',
    );
    expect(consumer.code, consumer.stderr).toBe(0);
    expect(consumer.stdout.trim().split('\n')).toEqual(['first', 'second']);
  }

  beforeAll(async () => {
    const port = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      OTKLIK_STATE_DIR: stateDir,
      // One random cluster id in 64 starts with '-': the format must still take it (it once read it
      // as an option and failed).
      KAFKA_CLUSTER_ID: '-L4BmfY9AqmvdFrlfHocyA',
    };
    brokers = `127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await kafkaSh('stop');
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts a broker, and a second start reuses it', { timeout: BROKER_TEST_TIMEOUT }, async () => {
    const first = await kafkaSh('start');
    expect(first.code, first.stderr).toBe(0);
    expect(lastLine(first.stdout)).toBe(`KAFKA_BROKERS=${brokers}`);
    const status = await kafkaSh('status');
    expect(status.code, status.stderr).toBe(0);

    const second = await kafkaSh('start');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/already running .* reusing it/);
    expect(lastLine(second.stdout)).toBe(`KAFKA_BROKERS=${brokers}`);
  });

  it(
    'a topic, its messages and a committed offset are read by Kafka’s own tools through the script',
    { timeout: BROKER_TEST_TIMEOUT },
    async () => {
      await writeTopicAndOffset();
      await expectOffsetKept();
      await expectConsoleConsumerReads();
    },
  );

  // A second broker start costs about as much CPU as a whole integration file, so the suite runs one
  // broker lifetime and `npm run test:long` adds the restart (stop, start, nothing lost).
  it.runIf(LONG_TESTS)(
    'keeps topics and committed offsets across stop and start (long run only)',
    { timeout: BROKER_TEST_TIMEOUT },
    async () => {
      const stop = await kafkaSh('stop');
      expect(stop.code, stop.stderr).toBe(0);
      expect(existsSync(pidFile())).toBe(false);
      expect((await kafkaSh('status')).code).toBe(3);

      const start = await kafkaSh('start');
      expect(start.code, start.stderr).toBe(0);
      expect(start.stderr).not.toMatch(/formatting/);

      const admin = kafka().admin();
      await admin.connect();
      expect(await admin.listTopics()).toContain(TOPIC);
      await admin.disconnect();
      await expectOffsetKept();
      await expectConsoleConsumerReads();
    },
  );

  it('stops the broker it started', async () => {
    const stop = await kafkaSh('stop');
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stderr).toMatch(/stopped/);
    expect((await kafkaSh('stop')).stderr).toMatch(/no broker running/);
  });
});

/**
 * Repro of the three-broker loss of docs/faults.md section 3: one producer sends numbered messages to a
 * topic with replication 3 and min.insync.replicas 2 on the three-broker cluster (cluster.sh), the way
 * the chaos driver does (batches of 200 keyed messages over 6 partitions, acks=all, the whole batch
 * sent again when `send` throws), one broker is SIGKILLed mid-stream; then the topic is read back and
 * every message whose `send` resolved is looked for.
 *
 *   npx tsx tools/repro/idempotent-loss.ts [--modes reliable,idempotent,plain,plain-mif1]
 *       [--messages 9000] [--per-second 1000] [--trials 1] [--senders 1] [--keep-cluster]
 *
 * Modes: `reliable` is createReliableProducer (what the runtime uses), `idempotent` kafkajs's own
 * idempotent producer (maxInFlightRequests 1, kafkajs retrying), `plain` kafkajs's default producer,
 * `plain-mif1` the same with maxInFlightRequests 1. Each trial (re)starts the killed broker and makes a
 * fresh topic, so the killed broker leads a third of its partitions again. The last stdout line is a
 * JSON array of the trials; the exit code is 1 when a trial lost an acknowledged message.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { pino } from 'pino';
import { createKafka } from '../../services/adapters/kafka/client.js';
import { createReliableProducer } from '../../services/adapters/kafka/producer.js';
import { ensureTopics } from '../../services/adapters/kafka/topics.js';
import { readToEnd, sleep } from '../harness/kafka.js';

const run = promisify(execFile);
const CLUSTER_SH = join(import.meta.dirname, '..', '..', 'scripts', 'kafka', 'cluster.sh');

export type ProducerMode = 'reliable' | 'idempotent' | 'plain' | 'plain-mif1';

export interface TrialResult {
  mode: ProducerMode;
  sent: number;
  acked: number;
  failedSends: number;
  /** The last error a send threw, if any. */
  lastError?: string;
  stored: number;
  ackedMissing: number;
  duplicates: number;
  /** Partitions led by the killed broker before the kill, and where the missing messages were. */
  killedLeaderPartitions: number[];
  missingByPartition: Record<number, number>;
  seconds: number;
}

function producerOf(kafka: Kafka, mode: ProducerMode): Producer {
  const partitioner = Partitioners.DefaultPartitioner;
  switch (mode) {
    case 'reliable':
      return createReliableProducer(kafka);
    case 'idempotent':
      return kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: partitioner });
    case 'plain':
      return kafka.producer({ createPartitioner: partitioner });
    case 'plain-mif1':
      return kafka.producer({ maxInFlightRequests: 1, createPartitioner: partitioner });
  }
}

export interface Cluster {
  brokers: string[];
  /** Starts whatever broker is down (the killed one) and waits until all three are registered. */
  start(): Promise<void>;
  killOne(): Promise<void>;
  stop(): Promise<void>;
  /** SIGKILLs every broker: for a cluster whose state dir is removed next (no clean stop to wait for). */
  discard(): Promise<void>;
}

export async function startCluster(stateDir: string): Promise<Cluster> {
  const env = { ...process.env, OTKLIK_STATE_DIR: stateDir, KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m' };
  const start = async () => {
    const { stdout } = await run('bash', [CLUSTER_SH, 'start'], { env, maxBuffer: 1 << 20 });
    return (/KAFKA_BROKERS=(\S+)/.exec(stdout)?.[1] as string).split(',');
  };
  const brokers = await start();
  return {
    brokers,
    start: async () => void (await start()),
    killOne: async () => void (await run('bash', [CLUSTER_SH, 'kill-one'], { env })),
    stop: async () => void (await run('bash', [CLUSTER_SH, 'stop'], { env }).catch(() => undefined)),
    discard: async () => void (await run('bash', [CLUSTER_SH, 'discard'], { env }).catch(() => undefined)),
  };
}

export interface TrialOptions {
  mode: ProducerMode;
  messages: number;
  perSecond: number;
  /** Concurrent senders sharing the producer (the worker sends from several partitions at once). */
  senders: number;
  batch?: number;
  log?: (line: string) => void;
}

/** One trial on a running cluster whose three brokers are up; kills broker 3 a third into the stream. */
export async function runTrial(cluster: Cluster, options: TrialOptions): Promise<TrialResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const batch = options.batch ?? 200;
  const topic = `repro-${options.mode}-${Date.now().toString(36)}`;
  const kafka = createKafka(
    { brokers: cluster.brokers, clientId: `repro-${options.mode}` },
    pino({ level: 'silent' }),
  );
  await ensureTopics(kafka, [
    {
      topic,
      numPartitions: 6,
      replicationFactor: 3,
      configEntries: [{ name: 'min.insync.replicas', value: '2' }],
    },
  ]);
  const admin = kafka.admin();
  await admin.connect();
  const producer = producerOf(kafka, options.mode);
  await producer.connect();
  try {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const killedLeaderPartitions = (metadata?.partitions ?? [])
      .filter((p) => p.leader === 3)
      .map((p) => p.partitionId)
      .sort();
    log(`${options.mode}: topic ${topic}, broker 3 leads partitions ${killedLeaderPartitions.join(',')}`);

    const acked = new Set<number>();
    let failedSends = 0;
    let lastError: string | undefined;
    let next = 0;
    const sendStarted = Date.now();
    // Like the chaos driver: batches in order, a batch sent again after its `send` threw.
    const sender = async () => {
      for (;;) {
        const first = next;
        if (first >= options.messages) return;
        next += batch;
        const ids = Array.from({ length: Math.min(batch, options.messages - first) }, (_, i) => first + i);
        const messages = ids.map((id) => ({ key: `key-${(id * 7919) % 100_003}`, value: String(id) }));
        for (let attempt = 0; ; attempt++) {
          try {
            await producer.send({ topic, acks: -1, messages });
            for (const id of ids) acked.add(id);
            break;
          } catch (error) {
            failedSends++;
            // A producer stuck on one error (kafkajs's idempotent one after OUT_OF_ORDER_SEQUENCE_NUMBER)
            // leaves the batch unacknowledged; the trial goes on.
            lastError = (error as Error).message;
            if (attempt >= 15) break;
            await sleep(1_000);
          }
        }
        const aheadMs = ((first + batch) / options.perSecond) * 1000 - (Date.now() - sendStarted);
        if (aheadMs > 0) await sleep(aheadMs);
      }
    };
    const killing = (async () => {
      while (next < options.messages / 3) await sleep(20);
      log(`${options.mode}: SIGKILL broker 3 at message ${next}`);
      await cluster.killOne();
    })();
    await Promise.all([...Array.from({ length: options.senders }, sender), killing]);
    log(`${options.mode}: ${acked.size} acknowledged, ${failedSends} sends threw; reading back`);

    const stored = await readToEnd(kafka, admin, topic, 120_000);
    const seen = new Map<number, number>();
    for (const m of stored) {
      const id = Number(m.value?.toString());
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    const missing = [...acked].filter((id) => !seen.has(id));
    // Where a missing message should have gone: its key's partition, as the producer chose it.
    const missingByPartition: Record<number, number> = {};
    for (const id of missing) {
      const p = partitionOfKey(`key-${(id * 7919) % 100_003}`, metadata?.partitions.length ?? 6);
      missingByPartition[p] = (missingByPartition[p] ?? 0) + 1;
    }
    return {
      mode: options.mode,
      sent: options.messages,
      acked: acked.size,
      failedSends,
      lastError,
      stored: stored.length,
      ackedMissing: missing.length,
      duplicates: stored.length - seen.size,
      killedLeaderPartitions,
      missingByPartition,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/** The Java client's partition for a key (murmur2, positive, modulo), as the DefaultPartitioner does. */
function partitionOfKey(key: string, partitions: number): number {
  const data = Buffer.from(key);
  const length = data.length;
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  let h = seed ^ length;
  const length4 = Math.floor(length / 4);
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k =
      (data[i4 + 0]! & 0xff) +
      ((data[i4 + 1]! & 0xff) << 8) +
      ((data[i4 + 2]! & 0xff) << 16) +
      ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length % 4;
  if (rest >= 3) h ^= (data[tail + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return (h & 0x7fffffff) % partitions;
}

async function main() {
  const args = process.argv.slice(2);
  const value = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? (args[i + 1] as string) : fallback;
  };
  const modes = value('modes', 'reliable,idempotent,plain,plain-mif1').split(',') as ProducerMode[];
  const trials = Number(value('trials', '1'));
  const log = (line: string) => process.stderr.write(`repro: ${line}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'otklik-repro-'));
  const cluster = await startCluster(dir);
  log(`cluster ${cluster.brokers.join(',')} (state in ${dir})`);
  const results: TrialResult[] = [];
  try {
    for (let t = 0; t < trials; t++) {
      for (const mode of modes) {
        await cluster.start();
        const result = await runTrial(cluster, {
          mode,
          messages: Number(value('messages', '9000')),
          perSecond: Number(value('per-second', '1000')),
          senders: Number(value('senders', '1')),
          log,
        });
        log(JSON.stringify(result));
        results.push(result);
      }
    }
  } finally {
    if (!args.includes('--keep-cluster')) {
      await cluster.discard();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(results.some((r) => r.ackedMissing > 0) ? 1 : 0);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await main();

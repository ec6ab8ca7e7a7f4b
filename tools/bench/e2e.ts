/**
 * End-to-end benchmark of the worker on this machine's broker and Redis (`npm run stack:up` first):
 *
 *   npm run bench:e2e [-- --n 100000 --rate 2000 --latency-seconds 15 --naive-seconds 20 --profile]
 *
 * 1. Throughput: N comment events wait on the input topic; one worker process (the real CommentWorker,
 *    started as production starts it) drains them. Timed from its first output until every event is
 *    committed, which the worker does only after the event's Redis transition and output are durable.
 * 2. Latency: the same process, fed at a fixed rate; each event is timed from the producer's send call
 *    until a downstream consumer receives its classified output.
 * 3. Baseline: the same work through tools/bench/naive-worker.ts (one message at a time, one awaited Redis call
 *    and one awaited produce per message), timed in two windows, just before and just after the real
 *    worker, so the ratio holds on a busy machine.
 *
 * 4. With --registry: the same workload drained twice more, one after the other, by a fresh worker with
 *    catalogue ids and by a fresh worker in registry mode (SCHEMA_REGISTRY_URL from the stack, `npm run
 *    stack:up -- --registry`), the latter's messages framed with the ids the registry assigned, as a
 *    registry-aware producer writes them. Each timed like step 1 (steady state: from the first output);
 *    the JSON gains a `registry` object with both and their ratio.
 * 5. With --wait: the cost of Redis WAIT (docs/faults.md 4b). A private master with one replica
 *    (tools/harness/redis-server.ts) and the same workload drained twice more, by a fresh worker with
 *    OTKLIK_REDIS_WAIT_REPLICAS=0 and by one with 1 (every group's writes on the replica before its
 *    offsets are committed), one after the other on the same replicated pair, so only WAIT differs; the
 *    JSON gains a `wait` object with both throughputs, their ratio and Redis's WAIT calls.
 * 6. With --incidents: the cost of the incident service (issue #17: the worker's figure drops by at most
 *    10 % with it beside). The same workload drained twice more, one after the other, by a fresh worker
 *    alone and by a fresh worker with the incident service (services/apps/incidents/main.ts, its own
 *    group, the worker's key prefix, as production runs it) reading the worker's classified topic as it
 *    is written; the JSON gains an `incidents` object with both throughputs, their ratio, and how much of
 *    the classified stream the service had read by the end of the drain.
 *
 * Topics, group and key prefix are unique per run and removed afterwards. The last stdout line is JSON.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { createKafka } from '../../services/adapters/kafka/client.js';
import { createPlainProducer } from '../../services/adapters/kafka/producer.js';
import { ensureTopics } from '../../services/adapters/kafka/topics.js';
import { readCounterRows } from '../../services/adapters/redis/reader/sla-reader.js';
import { SlaKeys } from '../../services/adapters/redis/keys.js';
import { totalsOf } from '../../services/core/sla/counters.js';
import { launchRole, REPO_ROOT, type RoleProcess } from '../../services/runtime/launch.js';
import { buildInto } from '../../scripts/build.js';
import { benchWorkload, type BenchMessage, type BenchWorkload } from '../harness/workload/bench.js';
import { withRegistryIds } from '../harness/workload/registry-ids.js';
import { registerLikeTheWorker } from '../harness/registry.js';
import { formatSummary, summariseProfile } from './cpu-profile.js';
import { createCommentFactory } from '../harness/comment-texts.js';
import { commentKeyOf } from '../../services/core/sla/shard.js';
import { encodeCommentEvent } from '../../services/core/contracts/index.js';
import { readStackEnv, requireStackEnv } from '../harness/stack-env.js';
import { startReplicatedRedis } from '../harness/redis-server.js';

const USAGE = `usage: npm run bench:e2e -- [options]
  --n N                  events for the throughput runs (default 100000)
  --rate R               events per second in the latency run (default 2000)
  --latency-seconds S    length of the latency run (default 15)
  --naive-n N            events queued for the naive worker (default min(n, 30000))
  --naive-seconds S      how long the naive worker is timed at most, in two windows (default 20)
  --partitions P         partitions of the input topic (default 6)
  --shards S             OTKLIK_SHARDS (default 16)
  --batch-size B         OTKLIK_BATCH_SIZE for the real worker (default: the worker's own)
  --concurrency C        OTKLIK_PARTITIONS_CONCURRENCY for the real worker (default: the worker's own)
  --worker-node-options O  extra node flags for the real worker, e.g. "--max-semi-space-size=64"
  --profile              CPU-profile the real worker and print where its time went
  --keep                 keep the run's topics and Redis keys (for a look afterwards)
  --registry             also drain the workload in registry mode (ids the registry assigned) and
                         print both throughputs and their ratio (needs \`stack:up -- --registry\`)
  --wait                 also drain the workload twice on a private master with a replica, without and
                         with WAIT 1 before each commit, and print both throughputs and their ratio
  --incidents            also drain the workload twice, by a fresh worker alone and by one with the
                         incident service running beside it, and print both throughputs and their ratio
  --built                also drain the workload twice, by a fresh worker from the TypeScript source
                         (tsx) and by one built (\`npm run build\`'s tree, plain node), and print both
                         start-ups (launch to first output, and its CPU) and steady throughputs
  --seed S               generator seed (default 1)`;

interface Options {
  n: number;
  rate: number;
  latencySeconds: number;
  naiveN: number;
  naiveSeconds: number;
  partitions: number;
  shards: number;
  batchSize: number | undefined;
  concurrency: number | undefined;
  workerNodeOptions: string[];
  profile: boolean;
  keep: boolean;
  registry: boolean;
  wait: boolean;
  incidents: boolean;
  built: boolean;
  seed: number;
}

function parseOptions(argv: string[]): Options {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (['profile', 'keep', 'registry', 'wait', 'incidents', 'built', 'help'].includes(name)) flags.add(name);
    else values.set(name, inline ?? (argv[++i] as string));
  }
  if (flags.has('help')) {
    console.log(USAGE);
    process.exit(0);
  }
  const known = [
    'n',
    'rate',
    'latency-seconds',
    'naive-n',
    'naive-seconds',
    'partitions',
    'shards',
    'batch-size',
    'concurrency',
    'seed',
    'worker-node-options',
  ];
  for (const name of values.keys())
    if (!known.includes(name)) throw new Error(`unknown option --${name}\n${USAGE}`);
  const num = (name: string, fallback: number | undefined) => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${name} must be a positive number, got ${raw}`);
    return value;
  };
  const n = num('n', 100_000) as number;
  return {
    n,
    rate: num('rate', 2_000) as number,
    latencySeconds: num('latency-seconds', 15) as number,
    naiveN: num('naive-n', Math.min(n, 30_000)) as number,
    naiveSeconds: num('naive-seconds', 20) as number,
    partitions: num('partitions', 6) as number,
    shards: num('shards', 16) as number,
    batchSize: num('batch-size', undefined),
    concurrency: num('concurrency', undefined),
    workerNodeOptions: (values.get('worker-node-options') ?? '').split(' ').filter(Boolean),
    profile: flags.has('profile'),
    keep: flags.has('keep'),
    registry: flags.has('registry'),
    wait: flags.has('wait'),
    incidents: flags.has('incidents'),
    built: flags.has('built'),
    seed: num('seed', 1) as number,
  };
}

const log = (message: string) => console.log(`[bench] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (x: number, digits = 0) => Number(x.toFixed(digits));

function percentile(sorted: readonly number[], q: number): number {
  return sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number)
    : Number.NaN;
}

interface Role {
  name:
    | 'worker'
    | 'naive'
    | 'catalogue'
    | 'registry'
    | 'wait0'
    | 'wait1'
    | 'alone'
    | 'beside'
    | 'source'
    | 'built';
  env: Record<string, string>;
  topics: {
    comments: string;
    classified: string;
    alerts: string;
    dlq: string;
    actions: string;
    incidents: string;
  };
  group: string;
  prefix: string;
}

function roleOf(
  name: Role['name'],
  runId: string,
  stack: { brokers: string; redisUrl: string; registryUrl?: string },
  o: Options,
): Role {
  const base = `bench.${runId}.${name}`;
  const topics = {
    comments: `${base}.comments`,
    classified: `${base}.classified`,
    alerts: `${base}.alerts`,
    dlq: `${base}.dlq`,
    actions: `${base}.actions`,
    incidents: `${base}.incidents`,
  };
  const group = `bench-${runId}-${name}`;
  const prefix = `bench:${runId}:${name}`;
  const env: Record<string, string> = {
    KAFKA_BROKERS: stack.brokers,
    REDIS_URL: stack.redisUrl,
    KAFKA_CLIENT_ID: group,
    OTKLIK_GROUP_ID: group,
    OTKLIK_TOPIC_COMMENTS: topics.comments,
    OTKLIK_TOPIC_CLASSIFIED: topics.classified,
    OTKLIK_TOPIC_ALERTS: topics.alerts,
    OTKLIK_TOPIC_DLQ: topics.dlq,
    OTKLIK_TOPIC_ACTIONS: topics.actions,
    OTKLIK_TOPIC_INCIDENTS: topics.incidents,
    OTKLIK_TOPIC_PARTITIONS: String(o.partitions),
    OTKLIK_KEY_PREFIX: prefix,
    OTKLIK_SHARDS: String(o.shards),
    LOG_LEVEL: 'warn',
    HTTP_PORT: '0',
  };
  const real = name !== 'naive';
  if (real && o.batchSize) env.OTKLIK_BATCH_SIZE = String(o.batchSize);
  if (real && o.concurrency) env.OTKLIK_PARTITIONS_CONCURRENCY = String(o.concurrency);
  if (name === 'registry') env.SCHEMA_REGISTRY_URL = stack.registryUrl as string;
  if (name === 'wait0' || name === 'wait1') env.OTKLIK_REDIS_WAIT_REPLICAS = name === 'wait1' ? '1' : '0';
  return { name, env, topics, group, prefix };
}

async function sumOffsets(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

async function sumCommitted(admin: Admin, group: string, topic: string): Promise<number> {
  const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return (entry?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/**
 * Sends a backlog in order, one request at a time: requests in flight side by side could land out of
 * order on a partition, and an edit must not overtake the comment it edits.
 */
async function produceBacklog(producer: Producer, topic: string, messages: readonly BenchMessage[]) {
  const started = performance.now();
  for (let i = 0; i < messages.length; i += 2_000) {
    await producer.send({ topic, acks: 1, messages: messages.slice(i, i + 2_000) });
  }
  return messages.length / ((performance.now() - started) / 1000);
}

interface Drain {
  perSecond: number;
  seconds: number;
  processed: number;
  perCpuSecond: number;
  /** From the call to its first output (start-up, group join, first fetch), and the CPU it took. */
  startSeconds?: number;
  startCpuSeconds?: number;
}

/**
 * Times a worker draining a backlog of `total` events, each yielding one classified output: from its
 * first output until `done` says it is finished (or `limitSeconds` after the first output).
 */
async function timeDrain(
  admin: Admin,
  proc: RoleProcess,
  role: Role,
  total: number,
  options: { limitSeconds: number; untilCommitted: boolean; startTimeoutMs: number; baseline?: number },
): Promise<Drain> {
  const waitStart = performance.now();
  let first: { at: number; outputs: number; cpu: number } | undefined;
  for (;;) {
    if (!proc.alive()) throw new Error(`${proc.name} exited early:\n${proc.output()}`);
    const outputs = await sumOffsets(admin, role.topics.classified);
    const now = performance.now();
    if (!first) {
      if (outputs > (options.baseline ?? 0)) first = { at: now, outputs, cpu: proc.cpuSeconds() };
      else if (now - waitStart > options.startTimeoutMs)
        throw new Error(`${proc.name} produced nothing:\n${proc.output()}`);
    } else {
      const finished = options.untilCommitted
        ? (await sumCommitted(admin, role.group, role.topics.comments)) >= total
        : outputs >= total;
      const seconds = (performance.now() - first.at) / 1000;
      if (finished || seconds >= options.limitSeconds) {
        const processed = outputs - first.outputs;
        return {
          perSecond: processed / seconds,
          seconds,
          processed,
          perCpuSecond: processed / (proc.cpuSeconds() - first.cpu),
          startSeconds: (first.at - waitStart) / 1000,
          startCpuSeconds: first.cpu,
        };
      }
    }
    await sleep(50);
  }
}

interface Latency {
  p50: number;
  p99: number;
  max: number;
  achievedRate: number;
  received: number;
  sent: number;
  /** Produce call to the worker's output timestamp (no downstream fetch). */
  workerP50: number;
  workerP99: number;
  worstBySecond: number[];
}

/** Feeds `rate` events per second for `seconds` and times each until a consumer reads its output. */
async function measureLatency(kafka: Kafka, role: Role, runId: string, o: Options): Promise<Latency> {
  const total = Math.round(o.rate * o.latencySeconds);
  const factory = createCommentFactory(`${runId}-lat`, o.seed + 7);
  const messages = Array.from({ length: total }, () => {
    const event = factory.comment(Date.now() - 10 * 60_000);
    return { key: commentKeyOf(event.platform, event.comment_id), value: encodeCommentEvent(event) };
  });
  const sentAt = new Map<string, number>();
  let started = Date.now();
  const e2e: number[] = [];
  /** Worst latency of the events sent in each second of the run: shows whether slow ones cluster. */
  const worstBySecond: number[] = [];
  const worker: number[] = [];

  // The reader only times arrivals: no offset commits (a commit after every batch would hold the next
  // fetch back by a round trip and count against the worker), every partition handled at once.
  const reader = kafka.consumer({ groupId: `${role.group}-latency-reader`, maxWaitTimeInMs: 100 });
  let joined = false;
  reader.on(reader.events.GROUP_JOIN, () => {
    joined = true;
  });
  await reader.connect();
  await reader.subscribe({ topic: role.topics.classified, fromBeginning: false });
  await reader.run({
    autoCommit: false,
    partitionsConsumedConcurrently: o.partitions,
    eachMessage: async ({ message }) => {
      const sent = sentAt.get(message.key?.toString() ?? '');
      if (sent === undefined) return;
      const ms = Date.now() - sent;
      e2e.push(ms);
      const second = Math.floor((sent - started) / 1000);
      worstBySecond[second] = Math.max(worstBySecond[second] ?? 0, ms);
      worker.push(Number(message.timestamp) - sent);
    },
  });
  while (!joined) await sleep(50);
  await sleep(1_500); // the reader resolves "latest" on its first fetch

  const producer = createPlainProducer(kafka);
  await producer.connect();
  started = Date.now();
  let sent = 0;
  const inFlight: Promise<unknown>[] = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * o.rate));
    if (due > sent) {
      const batch = messages.slice(sent, due);
      const now = Date.now();
      for (const m of batch) sentAt.set(m.key, now);
      inFlight.push(producer.send({ topic: role.topics.comments, messages: batch }));
      sent = due;
    }
    await sleep(5);
  }
  const achievedRate = total / ((Date.now() - started) / 1000);
  await Promise.all(inFlight);
  const deadline = Date.now() + 30_000;
  while (e2e.length < total && Date.now() < deadline) await sleep(100);
  await producer.disconnect();
  await reader.disconnect();
  e2e.sort((a, b) => a - b);
  worker.sort((a, b) => a - b);
  return {
    p50: percentile(e2e, 0.5),
    p99: percentile(e2e, 0.99),
    max: e2e[e2e.length - 1] ?? Number.NaN,
    achievedRate,
    received: e2e.length,
    sent: total,
    workerP50: percentile(worker, 0.5),
    workerP99: percentile(worker, 0.99),
    worstBySecond: Array.from(worstBySecond, (ms) => ms ?? 0),
  };
}

/** Creates the run's topics (ensureTopics waits out a new topic's missing leader itself). */
async function createTopics(kafka: Kafka, topics: string[], partitions: number): Promise<void> {
  await ensureTopics(
    kafka,
    topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
  );
}

/** CPU seconds the Redis server has used (all clients: on a shared server, an upper bound for ours). */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** Every event of the drained workload counted once in Redis, and one output each at least. */
async function checkDrain(redis: Redis, admin: Admin, role: Role, workload: BenchWorkload, o: Options) {
  const totals = totalsOf(await readCounterRows(redis, new SlaKeys(role.prefix), o.shards));
  const registered = totals.opened + totals.not_actionable;
  const answered = totals.answered_in_time + totals.answered_late;
  const outputs = await sumOffsets(admin, role.topics.classified);
  const verified = registered === workload.comments && answered === workload.replies && outputs >= o.n;
  log(
    `check${role.name === 'worker' ? '' : ` (${role.name})`}: ${registered}/${workload.comments} comments registered in Redis, ${answered}/${workload.replies} answered, ${outputs}/${o.n} outputs: ${verified ? 'ok' : 'MISMATCH'}`,
  );
  return { registered, answered, outputs, verified };
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const stack: { brokers: string; redisUrl: string; registryUrl?: string } = requireStackEnv();
  if (o.registry) {
    stack.registryUrl = readStackEnv().registryUrl;
    if (!stack.registryUrl)
      throw new Error('--registry needs SCHEMA_REGISTRY_URL: run `npm run stack:up -- --registry` first');
  }
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const kafka = createKafka(
    { brokers: stack.brokers.split(','), clientId: `bench-${runId}` },
    pino({ level: 'silent' }),
  );
  const admin = kafka.admin();
  await admin.connect();
  const producer = createPlainProducer(kafka);
  await producer.connect();
  const redis = new Redis(stack.redisUrl);
  const real = roleOf('worker', runId, stack, o);
  const naive = roleOf('naive', runId, stack, o);
  const pair = o.registry
    ? { catalogue: roleOf('catalogue', runId, stack, o), registry: roleOf('registry', runId, stack, o) }
    : undefined;
  const replicated = o.wait ? await startReplicatedRedis() : undefined;
  if (replicated)
    log(`private Redis master ${replicated.master.url} with a replica on port ${replicated.replica.port}`);
  const waitPair = replicated
    ? {
        off: roleOf('wait0', runId, { ...stack, redisUrl: replicated.master.url }, o),
        on: roleOf('wait1', runId, { ...stack, redisUrl: replicated.master.url }, o),
      }
    : undefined;
  const waitRedis = replicated ? new Redis(replicated.master.url) : undefined;
  const incidentPair = o.incidents
    ? { alone: roleOf('alone', runId, stack, o), beside: roleOf('beside', runId, stack, o) }
    : undefined;
  const incidentsGroup = incidentPair ? `${incidentPair.beside.group}-incidents` : undefined;
  const builtPair = o.built
    ? { source: roleOf('source', runId, stack, o), built: roleOf('built', runId, stack, o) }
    : undefined;
  const roles = [
    real,
    naive,
    ...(pair ? [pair.catalogue, pair.registry] : []),
    ...(waitPair ? [waitPair.off, waitPair.on] : []),
    ...(incidentPair ? [incidentPair.alone, incidentPair.beside] : []),
    ...(builtPair ? [builtPair.source, builtPair.built] : []),
  ];
  const processes: RoleProcess[] = [];
  const profileDir = o.profile ? mkdtempSync(join(tmpdir(), 'otklik-bench-prof-')) : undefined;
  log(
    `run ${runId}: n=${o.n}, rate=${o.rate}/s for ${o.latencySeconds} s, naive n=${o.naiveN}, ${o.partitions} partitions`,
  );

  try {
    await createTopics(
      kafka,
      roles.flatMap((role) => Object.values(role.topics)),
      o.partitions,
    );

    // The naive worker is timed in two windows, one before the real worker and one after it, so a
    // neighbour's load that comes or goes during the run weighs on both sides of the ratio alike.
    const naiveWorkload = benchWorkload(`${runId}n`, o.naiveN, o.seed + 1);
    await produceBacklog(producer, naive.topics.comments, naiveWorkload.messages);
    const naiveWindows: Drain[] = [];
    const timeNaiveWindow = async () => {
      const baseline = await sumOffsets(admin, naive.topics.classified);
      const proc = launchRole({
        name: 'naive',
        script: 'tools/bench/naive-worker.ts',
        env: naive.env,
        keepLines: 200,
      });
      processes.push(proc);
      const window = await timeDrain(admin, proc, naive, o.naiveN, {
        limitSeconds: o.naiveSeconds / 2,
        untilCommitted: false,
        startTimeoutMs: 60_000,
        baseline,
      });
      await proc.stop();
      naiveWindows.push(window);
      log(
        `naive worker, window ${naiveWindows.length}: ${window.processed} events in ${round(window.seconds, 2)} s = ${round(window.perSecond)}/s (${round(window.perCpuSecond)} per CPU-second)`,
      );
    };
    await timeNaiveWindow();

    // 1. Throughput of the real worker.
    let t = performance.now();
    const workload = benchWorkload(runId, o.n, o.seed);
    log(
      `generated ${o.n} events (${workload.comments} comments, ${workload.replies} replies, ${workload.edits} edits; median ${workload.medianChars} chars) in ${round(performance.now() - t)} ms`,
    );
    const produceRate = await produceBacklog(producer, real.topics.comments, workload.messages);
    log(`queued them at ${round(produceRate)}/s`);
    if (pair) {
      // Queued now, so that producing does not weigh on any timed drain.
      await produceBacklog(producer, pair.catalogue.topics.comments, workload.messages);
      const { commentEventIds } = await registerLikeTheWorker(
        stack.registryUrl as string,
        pair.registry.topics,
      );
      await produceBacklog(
        producer,
        pair.registry.topics.comments,
        withRegistryIds(workload.messages, commentEventIds),
      );
      log(
        `queued them again for registry mode, with the registry's CommentEvent ids (${[...commentEventIds].map(([c, r]) => `${c}->${r}`).join(', ')})`,
      );
    }
    if (waitPair) {
      await produceBacklog(producer, waitPair.off.topics.comments, workload.messages);
      await produceBacklog(producer, waitPair.on.topics.comments, workload.messages);
      log('queued them twice more for the WAIT comparison');
    }
    if (incidentPair) {
      await produceBacklog(producer, incidentPair.alone.topics.comments, workload.messages);
      await produceBacklog(producer, incidentPair.beside.topics.comments, workload.messages);
      log('queued them twice more for the incident service comparison');
    }
    if (builtPair) {
      await produceBacklog(producer, builtPair.source.topics.comments, workload.messages);
      await produceBacklog(producer, builtPair.built.topics.comments, workload.messages);
      log('queued them twice more for the source / built comparison');
    }
    const redisCpuBefore = await redisCpuSeconds(redis);
    const worker = launchRole({
      name: 'worker',
      env: real.env,
      keepLines: 200,
      nodeFlags: [
        ...o.workerNodeOptions,
        ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
      ],
    });
    processes.push(worker);
    const drain = await timeDrain(admin, worker, real, o.n, {
      limitSeconds: 600,
      untilCommitted: true,
      startTimeoutMs: 60_000,
    });
    const redisUsPerEvent = (((await redisCpuSeconds(redis)) - redisCpuBefore) / o.n) * 1e6;
    log(
      `real worker: ${drain.processed} events in ${round(drain.seconds, 2)} s = ${round(drain.perSecond)}/s (${round(drain.perCpuSecond)} per CPU-second of the worker; Redis server CPU ${round(redisUsPerEvent, 1)} us per event)`,
    );
    const { registered, answered, outputs, verified } = await checkDrain(redis, admin, real, workload, o);

    // 2. Latency at a fixed rate, same warm process.
    const latency = await measureLatency(kafka, real, runId, o);
    log(
      `latency at ${round(latency.achievedRate)}/s: p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms (${latency.received}/${latency.sent} received; worker output stamped at p50 ${latency.workerP50} ms, p99 ${latency.workerP99} ms)`,
    );
    log(`worst latency of the events sent in each second: ${latency.worstBySecond.join(' ')} ms`);
    // output() heads the lines with the process name: one line means it logged nothing.
    const warnings = worker.output(40);
    if (warnings.includes('\n')) log(`the real worker logged (last lines):\n${warnings}`);
    t = performance.now();
    await worker.stop();
    log(`real worker stopped in ${round(performance.now() - t)} ms`);

    // 4. Registry mode: a fresh worker on the same workload framed with the registry's ids, right after
    // a fresh worker with catalogue ids, so the two compared drains share one window of the machine.
    let registryResult: Record<string, unknown> | undefined;
    let registryVerified = true;
    const drainFresh = async (
      role: Role,
      label: string,
      on: Redis = redis,
      withLatency = false,
    ): Promise<Drain & { verified: boolean; latency?: Latency }> => {
      const proc = launchRole({
        name: role.name,
        env: role.env,
        keepLines: 200,
        nodeFlags: o.workerNodeOptions,
      });
      processes.push(proc);
      const fresh = await timeDrain(admin, proc, role, o.n, {
        limitSeconds: 600,
        untilCommitted: true,
        startTimeoutMs: 180_000,
      });
      log(
        `${label}: ${fresh.processed} events in ${round(fresh.seconds, 2)} s = ${round(fresh.perSecond)}/s (${round(fresh.perCpuSecond)} per CPU-second of the worker)`,
      );
      const check = await checkDrain(on, admin, role, workload, o);
      // Small groups at a fixed rate: where a per-group cost such as WAIT shows, not in a drain.
      const latency = withLatency ? await measureLatency(kafka, role, runId, o) : undefined;
      if (latency)
        log(
          `${label}: latency at ${round(latency.achievedRate)}/s: p50 ${latency.p50} ms, p99 ${latency.p99} ms`,
        );
      await proc.stop();
      return { ...fresh, verified: check.verified, latency };
    };
    if (pair) {
      const off = await drainFresh(pair.catalogue, 'fresh worker, catalogue ids');
      const on = await drainFresh(pair.registry, 'fresh worker, registry mode');
      registryVerified = off.verified && on.verified;
      const vsOff = on.perSecond / off.perSecond;
      log(
        `registry mode / catalogue ids: ${round(on.perSecond)}/s / ${round(off.perSecond)}/s = ${round(vsOff, 3)} (target >= 0.95); per CPU-second ${round(on.perCpuSecond / off.perCpuSecond, 3)}`,
      );
      registryResult = {
        per_s: round(on.perSecond),
        off_per_s: round(off.perSecond),
        ratio: round(vsOff, 3),
        per_cpu_s: round(on.perCpuSecond),
        off_per_cpu_s: round(off.perCpuSecond),
        cpu_ratio: round(on.perCpuSecond / off.perCpuSecond, 3),
        verified: registryVerified,
        within_5pct: vsOff >= 0.95,
      };
    }

    // 5. WAIT: the same workload on a replicated pair, without WAIT and then with it.
    let waitResult: Record<string, unknown> | undefined;
    let waitVerified = true;
    if (waitPair && waitRedis) {
      const waitCalls = async () =>
        Number(/cmdstat_wait:calls=(\d+)/.exec(await waitRedis.info('commandstats'))?.[1] ?? 0);
      const off = await drainFresh(waitPair.off, 'fresh worker, replica, no WAIT', waitRedis, true);
      const callsBefore = await waitCalls();
      const on = await drainFresh(waitPair.on, 'fresh worker, replica, WAIT 1', waitRedis, true);
      const calls = (await waitCalls()) - callsBefore;
      waitVerified = off.verified && on.verified;
      const vsOff = on.perSecond / off.perSecond;
      log(
        `WAIT 1 / no WAIT: ${round(on.perSecond)}/s / ${round(off.perSecond)}/s = ${round(vsOff, 3)}; per CPU-second of the worker ${round(on.perCpuSecond / off.perCpuSecond, 3)}; ${calls} WAIT calls in the drain and latency run`,
      );
      waitResult = {
        per_s: round(on.perSecond),
        off_per_s: round(off.perSecond),
        ratio: round(vsOff, 3),
        per_cpu_s: round(on.perCpuSecond),
        off_per_cpu_s: round(off.perCpuSecond),
        wait_calls: calls,
        latency_p50_ms: on.latency?.p50,
        latency_p99_ms: on.latency?.p99,
        off_latency_p50_ms: off.latency?.p50,
        off_latency_p99_ms: off.latency?.p99,
        verified: waitVerified,
      };
    }

    // 6. The incident service beside the worker: a fresh worker alone, then a fresh worker with the
    // service reading its classified topic as it is written (the service's own group, the worker's keys).
    let incidentResult: Record<string, unknown> | undefined;
    let incidentVerified = true;
    if (incidentPair && incidentsGroup) {
      const alone = await drainFresh(incidentPair.alone, 'fresh worker alone');
      const service = launchRole({
        name: 'incidents',
        script: 'services/apps/incidents/main.ts',
        env: { ...incidentPair.beside.env, OTKLIK_INCIDENTS_GROUP_ID: incidentsGroup },
        keepLines: 200,
      });
      processes.push(service);
      const serviceCpuBefore = service.cpuSeconds();
      const beside = await drainFresh(incidentPair.beside, 'fresh worker beside the incident service');
      const classified = await sumOffsets(admin, incidentPair.beside.topics.classified);
      const read = await sumCommitted(admin, incidentsGroup, incidentPair.beside.topics.classified);
      const serviceCpu = service.cpuSeconds() - serviceCpuBefore;
      if (!service.alive()) throw new Error(`the incident service exited:\n${service.output()}`);
      await service.stop();
      incidentVerified = alone.verified && beside.verified;
      const vsAlone = beside.perSecond / alone.perSecond;
      log(
        `beside the incident service / alone: ${round(beside.perSecond)}/s / ${round(alone.perSecond)}/s = ${round(vsAlone, 3)} (target >= 0.9); the service had read ${read} of ${classified} classified events when the drain ended, using ${round(serviceCpu, 2)} CPU-seconds`,
      );
      incidentResult = {
        per_s: round(beside.perSecond),
        alone_per_s: round(alone.perSecond),
        ratio: round(vsAlone, 3),
        per_cpu_s: round(beside.perCpuSecond),
        alone_per_cpu_s: round(alone.perCpuSecond),
        service_read: read,
        classified,
        service_cpu_s: round(serviceCpu, 2),
        verified: incidentVerified,
        within_10pct: vsAlone >= 0.9,
      };
    }

    // The production path (issue #21): a fresh worker from source through tsx, then one from the
    // compiled tree as the image runs it, on the same workload, one right after the other.
    let builtResult: Record<string, unknown> | undefined;
    if (builtPair) {
      const buildDir = join(REPO_ROOT, '.otklik', 'bench-build');
      await buildInto(buildDir);
      const runs: Drain[] = [];
      for (const [role, dir, label] of [
        [builtPair.source, '', 'fresh worker from source (tsx)'],
        [builtPair.built, buildDir, 'fresh worker built (node dist/...)'],
      ] as const) {
        const proc = launchRole({ name: role.name, env: role.env, keepLines: 200, buildDir: dir });
        processes.push(proc);
        const run = await timeDrain(admin, proc, role, o.n, {
          limitSeconds: 600,
          untilCommitted: true,
          startTimeoutMs: 180_000,
        });
        await proc.stop();
        log(
          `${label}: first output ${round(run.startSeconds ?? 0, 2)} s after launch (${round(run.startCpuSeconds ?? 0, 2)} CPU-s); then ${run.processed} events in ${round(run.seconds, 2)} s = ${round(run.perSecond)}/s (${round(run.perCpuSecond)} per CPU-second)`,
        );
        runs.push(run);
      }
      const [source, built] = runs as [Drain, Drain];
      builtResult = {
        source_start_s: round(source.startSeconds ?? 0, 2),
        built_start_s: round(built.startSeconds ?? 0, 2),
        source_start_cpu_s: round(source.startCpuSeconds ?? 0, 2),
        built_start_cpu_s: round(built.startCpuSeconds ?? 0, 2),
        source_per_s: round(source.perSecond),
        built_per_s: round(built.perSecond),
        source_per_cpu_s: round(source.perCpuSecond),
        built_per_cpu_s: round(built.perCpuSecond),
      };
    }

    // 3. The naive worker's second window, then both windows together.
    await timeNaiveWindow();
    const naiveProcessed = naiveWindows.reduce((sum, w) => sum + w.processed, 0);
    const naiveSeconds = naiveWindows.reduce((sum, w) => sum + w.seconds, 0);
    const naiveCpu = naiveWindows.reduce((sum, w) => sum + w.processed / w.perCpuSecond, 0);
    const naiveDrain = {
      perSecond: naiveProcessed / naiveSeconds,
      perCpuSecond: naiveProcessed / naiveCpu,
      processed: naiveProcessed,
      seconds: naiveSeconds,
    };
    log(
      `naive worker: ${naiveProcessed} events in ${round(naiveSeconds, 2)} s = ${round(naiveDrain.perSecond)}/s (${round(naiveDrain.perCpuSecond)} per CPU-second)`,
    );

    let profile: ReturnType<typeof summariseProfile> | undefined;
    if (profileDir) {
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) {
        profile = summariseProfile(join(profileDir, file));
        log(
          `where the real worker's CPU went (whole life: startup, drain, latency run):\n${formatSummary(profile)}`,
        );
      } else log('no CPU profile was written');
    }

    const ratio = drain.perSecond / naiveDrain.perSecond;
    const result = {
      e2e_per_s: round(drain.perSecond),
      naive_per_s: round(naiveDrain.perSecond),
      ratio: round(ratio, 1),
      latency_p50_ms: latency.p50,
      latency_p99_ms: latency.p99,
      latency_max_ms: latency.max,
      latency_rate_per_s: round(latency.achievedRate),
      latency_received: latency.received,
      worker_output_p50_ms: latency.workerP50,
      worker_output_p99_ms: latency.workerP99,
      e2e_per_cpu_s: round(drain.perCpuSecond),
      redis_cpu_us_per_event: round(redisUsPerEvent, 1),
      naive_per_cpu_s: round(naiveDrain.perCpuSecond),
      n: o.n,
      naive_n: naiveDrain.processed,
      partitions: o.partitions,
      batch_size: o.batchSize ?? null,
      concurrency: o.concurrency ?? null,
      worker_node_options: o.workerNodeOptions.join(' ') || null,
      median_chars: workload.medianChars,
      verified,
      check: { comments: workload.comments, registered, replies: workload.replies, answered, outputs },
      targets: {
        e2e_20k: drain.perSecond >= 20_000,
        ratio_10x: ratio >= 10,
        p99_100ms: latency.p99 <= 100 && latency.received === latency.sent,
      },
      ...(registryResult ? { registry: registryResult } : {}),
      ...(waitResult ? { wait: waitResult } : {}),
      ...(incidentResult ? { incidents: incidentResult } : {}),
      ...(builtResult ? { built: builtResult } : {}),
      ...(profile
        ? { profile_shares: Object.fromEntries(profile.parts.map((p) => [p.part, round(p.share, 3)])) }
        : {}),
    };
    console.log(JSON.stringify(result));
    if (!verified || !registryVerified || !waitVerified || !incidentVerified) process.exitCode = 1;
  } finally {
    for (const p of processes) await p.stop(10_000).catch(() => undefined);
    const topics = roles.flatMap((r) => Object.values(r.topics));
    if (o.keep) {
      log(`kept: topics ${topics.join(', ')}; key prefixes ${roles.map((r) => r.prefix).join(', ')}`);
    } else {
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin
        .deleteGroups([
          ...roles.map((role) => role.group),
          ...(incidentsGroup ? [incidentsGroup] : []),
          ...[real, ...(waitPair ? [waitPair.off, waitPair.on] : [])].map((r) => `${r.group}-latency-reader`),
        ])
        .catch(() => undefined);
      for (const role of roles) await deleteKeys(redis, role.prefix).catch(() => undefined);
    }
    redis.disconnect();
    waitRedis?.disconnect();
    await replicated?.dispose();
    await producer.disconnect();
    await admin.disconnect();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench:e2e: ${error.stack ?? error.message}\n`);
  process.exit(1);
});

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createKafka } from '../../services/adapters/kafka/client.js';
import { createPlainProducer, createReliableProducer } from '../../services/adapters/kafka/producer.js';
import { ensureTopics } from '../../services/adapters/kafka/topics.js';
import { readCounterRows } from '../../services/adapters/redis/reader/sla-reader.js';
import { SlaKeys } from '../../services/adapters/redis/keys.js';
import { connectRedis, type RedisClient } from '../../services/adapters/redis/connect.js';
import { loadConfig } from '../../services/runtime/config/load.js';
import { decodeSlaAlert } from '../../services/core/contracts/index.js';
import { COUNTER_METRICS, totalsOf, type CounterTotals } from '../../services/core/sla/counters.js';
import { committedOffsets, endOffsets, readToEnd, sleep, sumOf } from '../harness/kafka.js';
import { freePort, startOwnRedis, type OwnRedis } from '../harness/redis-server.js';
import { launchRole, type RoleProcess } from '../../services/runtime/launch.js';
import {
  buildChaosWorkload,
  LIFECYCLE_METRICS,
  type ChaosWorkload,
  type LifecycleTotals,
} from '../harness/workload/chaos.js';
import { seededRandom } from '../harness/random.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const KAFKA_SH = join(ROOT, 'scripts', 'kafka', 'kafka.sh');
const CLUSTER_SH = join(ROOT, 'scripts', 'kafka', 'cluster.sh');
const SENTINEL_SH = join(ROOT, 'scripts', 'redis-sentinel.sh');

export interface ChaosOptions {
  comments: number;
  workers: number;
  sweepers: number;
  /** Mean time between two SIGKILLs of a random worker or sweeper. */
  killEveryMs: number;
  restartBroker: boolean;
  restartRedis: boolean;
  /**
   * Redis as a master, two replicas and three Sentinels (scripts/redis-sentinel.sh) instead of one
   * server; the Redis fault is then two SIGKILLs of the master (a third and two thirds into the stream),
   * each followed by a promotion.
   */
  failover?: boolean;
  /** With `failover`: OTKLIK_REDIS_WAIT_REPLICAS of the roles (1 by default; 0 for the comparison run). */
  waitReplicas?: number;
  /** Three brokers (replication 3, min.insync.replicas 2); one is killed mid-stream. */
  cluster: boolean;
  seed: number;
  /** The driver's producer: createReliableProducer (default, as the runtime's) or createPlainProducer. */
  plainProducer?: boolean;
  /** How long the run may take to converge once the stream was sent. */
  settleTimeoutMs: number;
  /** The workers' consumer session timeout: how long a killed worker's partitions wait (default 30 s). */
  sessionTimeoutMs?: number;
  log: (line: string) => void;
}

export interface ChaosReport {
  comments: number;
  messages: number;
  kills: number;
  restarts: number;
  restartsDetail: { processes: number; broker: number; redis: number; failovers: number };
  /** Counters that ended other than the workload dictates: observed minus expected. */
  counterDiff: Partial<Record<string, number>>;
  exact: boolean;
  seconds: number;
  checks: Record<string, boolean>;
  table: string;
  logDir: string;
}

interface Broker {
  brokers: string;
  restart(): Promise<void>;
  /** Cluster mode: SIGKILLs one broker at once, so that it can land while a request is in flight. */
  killOneNow?: () => void;
  stop(): Promise<void>;
}

/** A broker fault waiting for the driver's next send: it strikes right after the send is issued. */
interface Strike {
  next?: () => void;
}

async function startBroker(stateDir: string, cluster: boolean, log: (s: string) => void): Promise<Broker> {
  const env = {
    ...process.env,
    OTKLIK_STATE_DIR: stateDir,
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
  };
  if (cluster) {
    const { stdout } = await run('bash', [CLUSTER_SH, 'start'], { env, maxBuffer: 1 << 20 });
    const brokers = /KAFKA_BROKERS=(\S+)/.exec(stdout)?.[1] as string;
    return {
      brokers,
      // The cluster mode kills one broker for good (SIGKILL) and leaves the other two running.
      restart: async () => void (await run('bash', [CLUSTER_SH, 'kill-one'], { env })),
      // What `cluster.sh kill-one` does, without a shell's start-up delay.
      killOneNow: () => {
        const pid = Number(readFileSync(join(stateDir, 'kafka-cluster', 'node3', 'pid'), 'utf8'));
        process.kill(pid, 'SIGKILL');
      },
      stop: async () => void (await run('bash', [CLUSTER_SH, 'stop'], { env }).catch(() => undefined)),
    };
  }
  const port = await freePort();
  const controller = await freePort();
  const brokerEnv = { ...env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controller) };
  const start = async () => {
    const { stdout } = await run('bash', [KAFKA_SH, 'start'], { env: brokerEnv, maxBuffer: 1 << 20 });
    return /KAFKA_BROKERS=(\S+)/.exec(stdout)?.[1] as string;
  };
  const stop = async () => void (await run('bash', [KAFKA_SH, 'stop'], { env: brokerEnv }));
  log(`starting a private broker on 127.0.0.1:${port}`);
  const brokers = await start();
  return {
    brokers,
    restart: async () => {
      await stop();
      await start();
    },
    stop: () => stop().catch(() => undefined),
  };
}

interface Sentinels {
  env: { REDIS_SENTINELS: string; REDIS_SENTINEL_NAME: string };
  masterUrl: string;
  /** SIGKILLs the master, waits for the promotion and restarts the old master as a replica. */
  killMaster(): Promise<string>;
  stop(): Promise<void>;
}

async function startSentinels(stateDir: string): Promise<Sentinels> {
  const env = { ...process.env, OTKLIK_STATE_DIR: stateDir };
  const script = async (command: string) =>
    (await run('bash', [SENTINEL_SH, command], { env, maxBuffer: 1 << 20 })).stdout.trim();
  const lines = (await script('up')).split('\n');
  const value = (name: string) => (lines.find((l) => l.startsWith(`${name}=`)) ?? '').slice(name.length + 1);
  return {
    env: { REDIS_SENTINELS: value('REDIS_SENTINELS'), REDIS_SENTINEL_NAME: value('REDIS_SENTINEL_NAME') },
    masterUrl: `redis://127.0.0.1:${await script('master')}`,
    killMaster: async () => (await script('kill-master')).split('\n').pop() as string,
    stop: async () => void (await script('down').catch(() => undefined)),
  };
}

/**
 * Sends every message, retrying a batch while the broker is away (a re-sent batch only adds duplicates);
 * after each batch of comments, the operator actions due by then go to the actions topic.
 */
async function produceAll(
  producer: Producer,
  topics: { comments: string; actions: string },
  workload: ChaosWorkload,
  perSecond: number,
  strike: Strike,
) {
  const batch = 200;
  const started = Date.now();
  const sendWithRetries = async (topic: string, messages: { key: string; value: Buffer }[]) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const sending = producer.send({ topic, acks: -1, messages });
        const fault = strike.next;
        strike.next = undefined;
        fault?.();
        await sending;
        return;
      } catch (error) {
        if (attempt > 200) throw error;
        await sleep(1_000);
      }
    }
  };
  let actionsSent = 0;
  for (let i = 0; i < workload.messages.length; i += batch) {
    await sendWithRetries(topics.comments, workload.messages.slice(i, i + batch));
    let due = actionsSent;
    while (due < workload.actions.length && (workload.actions[due]?.after ?? 0) <= i + batch) due++;
    if (due > actionsSent) {
      const actions = workload.actions.slice(actionsSent, due).map(({ key, value }) => ({ key, value }));
      await sendWithRetries(topics.actions, actions);
      actionsSent = due;
    }
    const aheadMs = ((i + batch) / perSecond) * 1000 - (Date.now() - started);
    if (aheadMs > 0) await sleep(aheadMs);
  }
}

async function readTotals(
  redis: RedisClient,
  prefix: string,
  shards: number,
): Promise<CounterTotals | undefined> {
  try {
    return totalsOf(await readCounterRows(redis, new SlaKeys(prefix), shards));
  } catch {
    return undefined; // Redis restarting
  }
}

const equalTotals = (a: CounterTotals | undefined, b: CounterTotals) =>
  !!a && COUNTER_METRICS.every((m) => a[m] === b[m]);

/**
 * The appeal lifecycle's counters (hash fields `final_*|<dim>`, `next_*|<dim>`, `paused|<dim>`, summed)
 * and the corrections logged, over every shard; undefined while Redis restarts.
 */
async function readLifecycle(
  redis: RedisClient,
  prefix: string,
  shards: number,
): Promise<LifecycleTotals | undefined> {
  const keys = new SlaKeys(prefix);
  const totals = Object.fromEntries(LIFECYCLE_METRICS.map((m) => [m, 0])) as LifecycleTotals;
  const known = new Set<string>(LIFECYCLE_METRICS);
  try {
    for (let shard = 0; shard < shards; shard++) {
      for (const [field, value] of Object.entries(await redis.hgetall(keys.counters(shard)))) {
        const metric = field.slice(0, field.indexOf('|'));
        if (known.has(metric)) totals[metric as keyof LifecycleTotals] += Number(value);
      }
      totals.corrections += await redis.llen(keys.corrections(shard));
    }
    return totals;
  } catch {
    return undefined; // Redis restarting
  }
}

const equalLifecycle = (a: LifecycleTotals | undefined, b: LifecycleTotals) =>
  !!a && LIFECYCLE_METRICS.every((m) => a[m] === b[m]);

/** End offsets minus the group's committed offsets on one topic; -1 while unknown. */
async function groupLag(admin: Admin, group: string, topic: string): Promise<number> {
  const end = await endOffsets(admin, topic).catch(() => undefined);
  const committed = await committedOffsets(admin, group, topic).catch(() => undefined);
  return end && committed ? sumOf(end) - sumOf(committed) : -1;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const { log } = options;
  const dir = mkdtempSync(join(tmpdir(), 'otklik-chaos-'));
  const logDir = join(dir, 'logs');
  await run('mkdir', ['-p', logDir]);
  const runId = `chaos${options.seed.toString(36)}${Date.now().toString(36)}`;
  const configFile = join(dir, 'otklik.yaml');
  // A dead sweeper's claims come back after the lease: short, so the run converges soon after a kill.
  writeFileSync(configFile, 'sweeper:\n  leaseMs: 5000\n');

  let broker: Broker | undefined;
  let redis: OwnRedis | undefined;
  let client: RedisClient | undefined;
  let kafka: Kafka | undefined;
  let admin: Admin | undefined;
  let producer: Producer | undefined;
  const slots: RoleProcess[] = [];
  let kills = 0;
  const restartsDetail = { processes: 0, broker: 0, redis: 0, failovers: 0 };
  let sentinels: Sentinels | undefined;
  try {
    if (options.failover) {
      sentinels = await startSentinels(join(dir, 'state'));
      log(`Redis master ${sentinels.masterUrl}, two replicas, Sentinels ${sentinels.env.REDIS_SENTINELS}`);
    } else {
      redis = await startOwnRedis({ persistent: true });
      log(`private redis-server (append-only) on ${redis.url}`);
    }
    const redisEnv: Record<string, string> = sentinels
      ? {
          ...sentinels.env,
          REDIS_URL: sentinels.masterUrl,
          OTKLIK_REDIS_WAIT_REPLICAS: String(options.waitReplicas ?? 1),
        }
      : { REDIS_URL: (redis as OwnRedis).url };
    broker = await startBroker(join(dir, 'state'), options.cluster, log);
    log(`broker(s) ${broker.brokers}`);
    const env: Record<string, string> = {
      KAFKA_BROKERS: broker.brokers,
      ...redisEnv,
      OTKLIK_GROUP_ID: `${runId}-workers`,
      OTKLIK_TOPIC_COMMENTS: `${runId}.comments`,
      OTKLIK_TOPIC_CLASSIFIED: `${runId}.classified`,
      OTKLIK_TOPIC_ALERTS: `${runId}.alerts`,
      OTKLIK_TOPIC_DLQ: `${runId}.dlq`,
      OTKLIK_TOPIC_ACTIONS: `${runId}.actions`,
      OTKLIK_TOPIC_INCIDENTS: `${runId}.incidents`,
      OTKLIK_TOPIC_PARTITIONS: '6',
      OTKLIK_TOPIC_REPLICATION: options.cluster ? '3' : '1',
      OTKLIK_KEY_PREFIX: runId,
      OTKLIK_SHARDS: '8',
      OTKLIK_CONFIG: configFile,
      OTKLIK_CONSUMER_SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs ?? 30_000),
      LOG_LEVEL: 'info',
      KAFKA_CLIENT_ID: 'chaos',
    };
    const config = loadConfig(env);
    const workload = buildChaosWorkload({
      runId,
      seed: options.seed,
      comments: options.comments,
      now: Date.now(),
      policies: config.sla,
      plan: { shards: config.env.OTKLIK_SHARDS, excerptChars: config.runtime.excerptChars },
      operatorActions: true,
    });
    log(
      `workload: ${workload.messages.length} messages, fates ${JSON.stringify(workload.fates)}, ` +
        `${workload.duplicates} re-sent, ${workload.badKeys.size} malformed; ` +
        `operator actions ${JSON.stringify(workload.actionKinds)}`,
    );

    kafka = createKafka(
      { brokers: broker.brokers.split(','), clientId: `${runId}-driver` },
      pino({ level: 'silent' }),
    );
    const topics = ['COMMENTS', 'CLASSIFIED', 'ALERTS', 'DLQ', 'ACTIONS'].map(
      (t) => env[`OTKLIK_TOPIC_${t}`] as string,
    );
    await ensureTopics(
      kafka,
      topics.map((topic) => ({
        topic,
        numPartitions: 6,
        replicationFactor: options.cluster ? 3 : 1,
        ...(options.cluster ? { configEntries: [{ name: 'min.insync.replicas', value: '2' }] } : {}),
      })),
    );
    admin = kafka.admin();
    await admin.connect();
    producer = options.plainProducer ? createPlainProducer(kafka) : createReliableProducer(kafka);
    await producer.connect();
    // Through the Sentinels in failover mode, so that the checks read the current master.
    client = sentinels
      ? connectRedis(loadConfig(env).env)
      : new Redis((redis as OwnRedis).url, { maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);

    // Each process's whole output goes to <logDir>/<name>.log: the log scan reads every line.
    const launchSlot = (role: 'worker' | 'sweeper', name: string) =>
      launchRole({ name, roles: [role], env, logFile: join(logDir, `${name}.log`), keepLines: 0 });
    for (let i = 0; i < options.workers; i++) slots.push(launchSlot('worker', `worker-${i + 1}`));
    for (let i = 0; i < options.sweepers; i++) slots.push(launchSlot('sweeper', `sweeper-${i + 1}`));

    // The stream goes out at a pace the workers keep up with, so faults land mid-stream.
    const perSecond = Math.max(500, Math.min(3_000, workload.messages.length / 40));
    const strike: Strike = {};
    const production = produceAll(
      producer,
      { comments: env.OTKLIK_TOPIC_COMMENTS as string, actions: env.OTKLIK_TOPIC_ACTIONS as string },
      workload,
      perSecond,
      strike,
    );
    const streamMs = (workload.messages.length / perSecond) * 1000;

    // Chaos: SIGKILL a random worker or sweeper every few seconds and start it again; restart the
    // broker once (a third into the stream) and Redis once (two thirds in).
    let chaosOn = true;
    const productionStart = Date.now();
    const faults = (async () => {
      let brokerDone = !options.restartBroker;
      let redisDone = !options.restartRedis;
      // Failover mode: the master is killed at a third and at two thirds of the stream.
      let masterKills = options.failover ? 0 : 2;
      const rnd = seededRandom(options.seed);
      while (chaosOn) {
        await sleep(options.killEveryMs * (0.5 + rnd()));
        if (!chaosOn) break;
        const victim = slots[Math.floor(rnd() * slots.length)] as RoleProcess;
        await victim.kill();
        kills++;
        log(`SIGKILL ${victim.name}`);
        victim.restart();
        restartsDetail.processes++;
        if (!brokerDone && Date.now() - productionStart > streamMs / 3) {
          brokerDone = true;
          const target = broker as Broker;
          if (target.killOneNow) {
            // The kill lands with the driver's batch in flight to every leader: the moment at which
            // kafkajs's own retries lost acknowledged messages (docs/faults.md section 3).
            log('killing one broker of three (SIGKILL) with a send in flight');
            const killOneNow = target.killOneNow;
            const struck = new Promise<void>((resolve) => {
              strike.next = () => {
                killOneNow();
                resolve();
              };
            });
            const streamOver = production
              .catch(() => undefined)
              .then(async () => {
                if (!strike.next) return;
                strike.next = undefined;
                await target.restart();
              });
            await Promise.race([struck, streamOver]);
          } else {
            log('restarting the broker');
            await target.restart();
          }
          restartsDetail.broker++;
          log('broker fault done');
        } else if (masterKills < 2 && Date.now() - productionStart > ((masterKills + 1) * streamMs) / 3) {
          masterKills++;
          log('SIGKILL the Redis master');
          const promoted = await (sentinels as Sentinels).killMaster();
          restartsDetail.failovers++;
          log(`the Sentinels promoted ${promoted}; the old master restarted as a replica`);
        } else if (!options.failover && !redisDone && Date.now() - productionStart > (2 * streamMs) / 3) {
          redisDone = true;
          log('restarting redis-server');
          await (redis as OwnRedis).shutDown();
          await sleep(1_000);
          await (redis as OwnRedis).start();
          restartsDetail.redis++;
          log('redis-server back');
        }
      }
    })();
    await production;
    log(`stream sent in ${Math.round((Date.now() - productionStart) / 1000)} s`);

    // Keep killing until the faults are done and a few more kills happened after the stream was sent.
    const minKills = kills + 3;
    const chaosDeadline = Date.now() + 120_000;
    while (
      Date.now() < chaosDeadline &&
      (kills < minKills ||
        (options.restartBroker && restartsDetail.broker === 0) ||
        (options.failover && restartsDetail.failovers < 2) ||
        (!options.failover && options.restartRedis && restartsDetail.redis === 0))
    ) {
      await sleep(500);
    }
    chaosOn = false;
    await faults;
    for (const slot of slots) if (!slot.alive()) slot.restart();
    log(`chaos over: ${kills} kills; waiting for the totals`);

    const prefix = env.OTKLIK_KEY_PREFIX as string;
    const shards = config.env.OTKLIK_SHARDS;
    const settleDeadline = Date.now() + options.settleTimeoutMs;
    let totals: CounterTotals | undefined;
    let lifecycle: LifecycleTotals | undefined;
    let lag = -1;
    let actionsLag = -1;
    for (;;) {
      totals = await readTotals(client, prefix, shards);
      lifecycle = await readLifecycle(client, prefix, shards);
      actionsLag = await groupLag(admin, env.OTKLIK_GROUP_ID as string, env.OTKLIK_TOPIC_ACTIONS as string);
      const end = await endOffsets(admin, env.OTKLIK_TOPIC_COMMENTS as string).catch(() => undefined);
      const committed = await committedOffsets(
        admin,
        env.OTKLIK_GROUP_ID as string,
        env.OTKLIK_TOPIC_COMMENTS as string,
      ).catch(() => undefined);
      lag = end && committed ? sumOf(end) - sumOf(committed) : -1;
      if (
        equalTotals(totals, workload.expected) &&
        equalLifecycle(lifecycle, workload.expectedLifecycle) &&
        lag === 0 &&
        actionsLag === 0
      )
        break;
      if (Date.now() > settleDeadline) {
        log(
          `did not converge: lag ${lag}, actions lag ${actionsLag}, totals ${JSON.stringify(totals)}, ` +
            `lifecycle ${JSON.stringify(lifecycle)}`,
        );
        break;
      }
      await sleep(2_000);
    }
    // The sweepers might still publish one more (duplicate) alert of a claim in flight: stop them first.
    for (const slot of slots) await slot.stop(20_000);

    const alerts = (await readToEnd(kafka, admin, env.OTKLIK_TOPIC_ALERTS as string, 180_000)).map((m) =>
      decodeSlaAlert(m.value as Buffer),
    );
    const alertIds = new Set(alerts.map((a) => a.alert_id));
    const dead = await readToEnd(kafka, admin, env.OTKLIK_TOPIC_DLQ as string, 120_000);
    const deadKeys = new Set(dead.map((m) => m.key));
    const expectedBreaches = [...workload.expectedAlerts].length;
    const missing = [...workload.expectedAlerts].filter((id) => !alertIds.has(id));
    const unexpected = [...alertIds].filter((id) => !workload.expectedAlerts.has(id));
    const quietAlerts = alerts.filter((a) => workload.quietKeys.has(a.comment_key)).length;
    const breachesExpected = workload.fates.never;
    const breachesSeen = new Set(alerts.filter((a) => a.kind === 'BREACH').map((a) => a.comment_key)).size;
    const dlqExact =
      deadKeys.size === workload.badKeys.size && [...deadKeys].every((k) => workload.badKeys.has(k));

    // Fewer stored than sent means acknowledged messages were lost; more are the driver's re-sends.
    const stored = await endOffsets(admin, env.OTKLIK_TOPIC_COMMENTS as string)
      .then(sumOf)
      .catch(() => 'n/a');
    const rows: [string, number | string, number | string][] = [
      ['comments', workload.comments, workload.comments],
      ['messages sent (incl. re-sends, malformed)', workload.messages.length, workload.messages.length],
      ['messages stored on the comments topic', '>= ' + workload.messages.length, stored],
      ...COUNTER_METRICS.map((m): [string, number, number | string] => [
        `counter ${m}`,
        workload.expected[m],
        totals ? totals[m] : 'n/a',
      ]),
      ...LIFECYCLE_METRICS.map((m): [string, number, number | string] => [
        m === 'corrections' ? 'corrections logged (RECLASSIFIED, once per id)' : `counter ${m}`,
        workload.expectedLifecycle[m],
        lifecycle ? lifecycle[m] : 'n/a',
      ]),
      ['BREACH published (comments)', breachesExpected, breachesSeen],
      ['alerts, distinct alert_id', expectedBreaches, alertIds.size],
      ['alerts published (with duplicates)', '>= ' + expectedBreaches, alerts.length],
      ['expected alerts missing', 0, missing.length],
      ['unexpected alerts', 0, unexpected.length],
      ['alerts for comments answered in time / late / deleted', 0, quietAlerts],
      ['DLQ distinct keys (malformed)', workload.badKeys.size, deadKeys.size],
      ['consumer lag at the end', 0, lag],
      ['consumer lag of the actions at the end', 0, actionsLag],
    ];
    const checks = {
      counters: equalTotals(totals, workload.expected),
      lifecycle: equalLifecycle(lifecycle, workload.expectedLifecycle),
      everyBreachPublished: breachesSeen === breachesExpected && missing.length === 0,
      noAlertForQuietComments: quietAlerts === 0,
      alertSetExact: missing.length === 0 && unexpected.length === 0,
      dlqExact,
      lagZero: lag === 0 && actionsLag === 0,
    };
    const table = formatTable(rows);
    const counterDiff = Object.fromEntries([
      ...COUNTER_METRICS.flatMap((m) =>
        totals && totals[m] !== workload.expected[m] ? [[m, totals[m] - workload.expected[m]]] : [],
      ),
      ...LIFECYCLE_METRICS.flatMap((m) =>
        lifecycle && lifecycle[m] !== workload.expectedLifecycle[m]
          ? [[m, lifecycle[m] - workload.expectedLifecycle[m]]]
          : [],
      ),
    ]);
    return {
      comments: workload.comments,
      messages: workload.messages.length,
      kills,
      restarts: restartsDetail.processes + restartsDetail.broker + restartsDetail.redis,
      restartsDetail,
      counterDiff,
      exact: Object.values(checks).every(Boolean),
      seconds: Math.round((Date.now() - started) / 1000),
      checks,
      table,
      logDir,
    };
  } finally {
    await Promise.all(slots.map((s) => s.kill()));
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    client?.disconnect();
    await broker?.stop();
    await redis?.dispose();
    await sentinels?.stop();
    // The broker's data can be large; the logs stay for the log scan and for reading.
    rmSync(join(dir, 'state'), { recursive: true, force: true });
  }
}

function formatTable(rows: [string, number | string, number | string][]): string {
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = [`${'check'.padEnd(width)}  ${'expected'.padStart(10)}  ${'observed'.padStart(10)}`];
  for (const [name, expected, observed] of rows) {
    const atLeast = /^>= (\d+)$/.exec(String(expected));
    const holds = atLeast ? Number(observed) >= Number(atLeast[1]) : String(expected) === String(observed);
    const mark = holds ? '' : '  <-- differs';
    lines.push(
      `${name.padEnd(width)}  ${String(expected).padStart(10)}  ${String(observed).padStart(10)}${mark}`,
    );
  }
  return lines.join('\n');
}

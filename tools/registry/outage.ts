/**
 * A Schema Registry outage during a run (issue 19's target: 30 s during 50,000 events loses nothing and
 * dead-letters nothing). Needs `npm run stack:up -- --registry`.
 *
 *   npm run registry:outage [-- --n 50000 --rate 1000 --outage-seconds 30 --outage-at 0.25 --versions 10]
 *
 * A producer team registers `versions` versions of its own CommentEvent schema (ours plus optional
 * fields) under the comments topic's subject, and sends the events at `rate` per second, the i-th tenth
 * of them (for 10 versions) with the i-th version: each new id is one the worker has never seen, so it
 * must fetch it from the registry. The worker reaches the registry through a TCP proxy (a restart of the
 * in-memory registry would lose its ids); after `outage-at` of the events are sent (and once the worker
 * has classified some) the proxy refuses and cuts every connection for `outage-seconds`. Then the run waits until every event is committed and
 * checks, as the other exactness checks do (tools/harness/outcome.ts): every comment counted once in
 * Redis, every reply answered once, every event's classified output there, nothing in the dead-letter
 * topic, no lag. Topics, group and keys are unique per run and removed afterwards. Last line: JSON.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createKafka } from '../../services/adapters/kafka/client.js';
import { createPlainProducer } from '../../services/adapters/kafka/producer.js';
import { ensureTopics } from '../../services/adapters/kafka/topics.js';
import { launchRole, type RoleProcess } from '../../services/runtime/launch.js';
import {
  SCHEMAS_DIR,
  createContractCodecs,
  decodeCommentEvent,
} from '../../services/core/contracts/index.js';
import { benchWorkload } from '../harness/workload/bench.js';
import { asProducerVersion, producerVersion } from '../harness/workload/registry-ids.js';
import { registerLikeTheWorker } from '../harness/registry.js';
import { startTcpProxy } from '../harness/tcp-proxy.js';
import { readStackEnv } from '../harness/stack-env.js';
import { committedOffsets, endOffsets, sleep, sumOf } from '../harness/kafka.js';
import { deleteKeys, readOutputs, readTotals } from '../harness/outcome.js';
import { referenceLine, referenceMs } from '../bench/machine-reference.js';

const USAGE = `usage: npm run registry:outage -- [options]
  --n N                  events (default 50000)
  --rate R               events sent per second (default 1000)
  --outage-seconds S     how long the registry is cut off (default 30)
  --outage-at F          fraction of the events sent when the cut begins (default 0.25)
  --versions V           producer schema versions, each first met by the worker mid-run (default 10)
  --partitions P         partitions of the comments topic (default 6)
  --settle-seconds S     how long to wait for the last commits after the end of sending (default 300)
  --seed S               generator seed (default 1)
  --keep                 keep the run's topics and Redis keys`;

interface Options {
  n: number;
  rate: number;
  outageSeconds: number;
  outageAt: number;
  versions: number;
  partitions: number;
  settleSeconds: number;
  seed: number;
  keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const values = new Map<string, string>();
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    if (arg === '--keep') keep = true;
    else if (arg.startsWith('--')) values.set(arg.slice(2), argv[++i] as string);
    else throw new Error(`unexpected argument ${arg}\n${USAGE}`);
  }
  const defaults: Record<string, number> = {
    n: 50_000,
    rate: 1_000,
    'outage-seconds': 30,
    'outage-at': 0.25,
    versions: 10,
    partitions: 6,
    'settle-seconds': 300,
    seed: 1,
  };
  for (const name of values.keys())
    if (!(name in defaults)) throw new Error(`unknown option --${name}\n${USAGE}`);
  const num = (name: string) => {
    const raw = values.get(name);
    const value = raw === undefined ? (defaults[name] as number) : Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${name} must be a positive number, got ${raw}`);
    return value;
  };
  const outageAt = num('outage-at');
  if (outageAt >= 1) throw new Error('--outage-at is a fraction below 1');
  return {
    n: num('n'),
    rate: num('rate'),
    outageSeconds: num('outage-seconds'),
    outageAt,
    versions: num('versions'),
    partitions: num('partitions'),
    settleSeconds: num('settle-seconds'),
    seed: num('seed'),
    keep,
  };
}

const log = (message: string) => console.log(`[registry:outage] ${message}`);
const round = (x: number, digits = 0) => Number(x.toFixed(digits));

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const stack = readStackEnv();
  if (!stack.brokers || !stack.redisUrl || !stack.registryUrl)
    throw new Error(
      `needs KAFKA_BROKERS, REDIS_URL and SCHEMA_REGISTRY_URL: run \`npm run stack:up -- --registry\` first (${stack.file})`,
    );
  log(referenceLine(referenceMs()));
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const base = `outage.${runId}`;
  const topics = {
    comments: `${base}.comments`,
    classified: `${base}.classified`,
    alerts: `${base}.alerts`,
    dlq: `${base}.dlq`,
    actions: `${base}.actions`,
    incidents: `${base}.incidents`,
  };
  const group = `outage-${runId}`;
  const proxy = await startTcpProxy(new URL(stack.registryUrl));
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
    OTKLIK_KEY_PREFIX: `outage:${runId}`,
    OTKLIK_SHARDS: '16',
    SCHEMA_REGISTRY_URL: proxy.url,
    SCHEMA_REGISTRY_TIMEOUT_MS: '1000',
    LOG_LEVEL: 'warn',
    HTTP_PORT: '0',
  };
  const kafka = createKafka(
    { brokers: stack.brokers.split(','), clientId: group },
    pino({ level: 'silent' }),
  );
  const admin = kafka.admin();
  await admin.connect();
  const producer = createPlainProducer(kafka);
  await producer.connect();
  const redis = new Redis(stack.redisUrl);
  let worker: RoleProcess | undefined;
  const started = Date.now();

  try {
    await ensureTopics(
      kafka,
      Object.values(topics).map((topic) => ({ topic, numPartitions: o.partitions, replicationFactor: 1 })),
    );
    // Our schemas first, as the worker will register them (so its ids are known to decode the outputs),
    // then the producer team's versions, registered directly (the proxy is only the worker's way in).
    const { schemas } = await registerLikeTheWorker(stack.registryUrl, topics);
    const registry = new SchemaRegistry({ host: stack.registryUrl });
    const ours = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'comment-event.v1.avsc'), 'utf8')) as {
      fields: unknown[];
    };
    const versionIds: number[] = [];
    for (let added = 1; added <= o.versions; added++) {
      const { id } = await registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(producerVersion(ours, added)) },
        { subject: `${topics.comments}-value` },
      );
      versionIds.push(id);
    }
    log(`producer versions registered under ${topics.comments}-value: ids ${versionIds.join(', ')}`);

    const workload = benchWorkload(runId, o.n, o.seed);
    const versionOf = (i: number) => Math.floor((i * o.versions) / o.n);
    const messages = workload.messages.map((m, i) => ({
      ...m,
      value: asProducerVersion(m.value, versionIds[versionOf(i)] as number, versionOf(i) + 1),
    }));
    log(
      `${o.n} events (${workload.comments} comments, ${workload.replies} replies, ${workload.edits} edits), ${o.n / o.versions} per version, at ${o.rate}/s`,
    );

    worker = launchRole({ name: 'worker', env, keepLines: 200 });
    const outputs = () => endOffsets(admin, topics.classified).then(sumOf);
    const committed = () => committedOffsets(admin, group, topics.comments).then(sumOf);

    // Sends in order, one request at a time (an edit must not overtake its comment), paced to `rate`.
    const cutAfter = Math.floor(o.n * o.outageAt);
    let outage: { downAt: number; upAt?: number; restored?: Promise<void> } | undefined;
    let heldAtRestore = 0;
    /** Versions whose first event was sent while the registry was cut off: the worker had to wait. */
    const versionsMetInOutage = new Set<number>();
    const sendStart = Date.now();
    let lastReport = sendStart;
    let sent = 0;
    while (sent < o.n) {
      if (!worker.alive()) throw new Error(`the worker exited:\n${worker.output()}`);
      // Mid-run: only once the worker has registered, fetched the first version and classified something.
      if (!outage && sent >= cutAfter && (await outputs()) > 0) {
        await proxy.down();
        outage = { downAt: Date.now() };
        log(`registry cut off after ${sent} events (${await outputs()} outputs so far)`);
        const cut = outage;
        cut.restored = sleep(o.outageSeconds * 1000).then(async () => {
          heldAtRestore = sent - (await outputs());
          await proxy.up();
          cut.upAt = Date.now();
          log(
            `registry back after ${round((cut.upAt - cut.downAt) / 1000, 1)} s; ${heldAtRestore} events waiting`,
          );
        });
      }
      const due = Math.min(o.n, Math.floor(((Date.now() - sendStart) / 1000) * o.rate));
      const until = outage ? due : Math.min(due, cutAfter);
      if (until > sent) {
        const batch = messages.slice(sent, Math.min(until, sent + 2_000));
        await producer.send({ topic: topics.comments, acks: -1, messages: batch });
        if (outage && !outage.upAt)
          for (let i = sent; i < sent + batch.length; i++)
            if (versionOf(i) > versionOf(cutAfter - 1)) versionsMetInOutage.add(versionOf(i));
        sent += batch.length;
      } else await sleep(20);
      if (Date.now() - lastReport >= 5_000) {
        lastReport = Date.now();
        log(`sent ${sent}, classified ${await outputs()}, committed ${await committed()}`);
      }
    }
    await outage?.restored;

    const settleBy = Date.now() + o.settleSeconds * 1000;
    let done = await committed();
    while (done < o.n && Date.now() < settleBy) {
      if (!worker.alive()) throw new Error(`the worker exited:\n${worker.output()}`);
      await sleep(500);
      done = await committed();
    }
    const lag = sumOf(await endOffsets(admin, topics.comments)) - done;
    await worker.stop();
    const warnings = worker.output(20);
    if (warnings.split('\n').filter(Boolean).length > 1) log(`the worker logged (last lines):\n${warnings}`);

    const totals = await readTotals(redis, env);
    const registered = totals.opened + totals.not_actionable;
    const answered = totals.answered_in_time + totals.answered_late;
    const out = await readOutputs(kafka, admin, env);
    const codecs = createContractCodecs(schemas);
    const classifiedEvents = new Set(
      out.classified.map((m) => codecs.classifiedComment.decode(m.value as Buffer).comment.event_id),
    );
    const eventIds = workload.messages.map((m) => decodeCommentEvent(m.value).event_id);
    const lost = eventIds.filter((id) => !classifiedEvents.has(id)).length;
    const deadLettered = out.deadLetters.length;
    const checks = {
      countersExact: registered === workload.comments && answered === workload.replies,
      noneLost: lost === 0,
      noneDeadLettered: deadLettered === 0,
      lagZero: lag === 0,
      outageHeldEvents: heldAtRestore > 0 && versionsMetInOutage.size > 0,
    };
    log(
      `check: ${registered}/${workload.comments} comments counted, ${answered}/${workload.replies} replies answered, ${classifiedEvents.size}/${o.n} events classified (${out.classified.length} outputs), ${deadLettered} dead letters, lag ${lag}`,
    );
    const result = {
      exact: Object.values(checks).every(Boolean),
      lost,
      dead_lettered: deadLettered,
      outage_s: outage?.upAt ? round((outage.upAt - outage.downAt) / 1000, 1) : 0,
      held_at_restore: heldAtRestore,
      versions_first_met_in_outage: versionsMetInOutage.size,
      n: o.n,
      outputs: out.classified.length,
      duplicate_outputs: out.classified.length - classifiedEvents.size,
      checks,
      seconds: round((Date.now() - started) / 1000),
    };
    console.log(JSON.stringify(result));
    if (!result.exact) process.exitCode = 1;
  } finally {
    await worker?.stop(10_000).catch(() => undefined);
    await proxy.down();
    if (o.keep) log(`kept: topics ${Object.values(topics).join(', ')}; key prefix ${env.OTKLIK_KEY_PREFIX}`);
    else {
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await admin.deleteGroups([group]).catch(() => undefined);
      await deleteKeys(redis, env).catch(() => undefined);
    }
    redis.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`registry:outage: ${error.stack ?? error.message}\n`);
  process.exit(1);
});

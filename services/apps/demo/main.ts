/**
 * The demo (`npm run demo`): two worker processes and a sweeper on the local stack, fed with sample
 * comments under a policy whose targets are seconds, and a live view of what they decide; an analytics
 * sink stores the run, and the demo ends by writing the analytics report of it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { destination, multistream, pino } from 'pino';
import type { Kafka } from 'kafkajs';
import { loadConfig } from '../../runtime/config/load.js';
import { killAll, launchRole, REPO_ROOT as ROOT } from '../../runtime/launch.js';
import { createKafka } from '../../adapters/kafka/client.js';
import { createPlainProducer } from '../../adapters/kafka/producer.js';
import { ensureTopics } from '../../adapters/kafka/topics.js';
import { connectRedis } from '../../adapters/redis/connect.js';
import { SlaKeys } from '../../adapters/redis/keys.js';
import { readCounterHash, readCounterRows } from '../../adapters/redis/reader/sla-reader.js';
import { complianceOf, totalsOf, type CounterTotals } from '../../core/sla/counters.js';
import { decideGeneration } from '../../core/state/generation.js';
import { groupHasCommitted } from '../../adapters/kafka/committed-offsets.js';
import { readShardStates, writeGeneration } from '../../adapters/redis/state-generation.js';
import { defaultCodecs } from '../../core/contracts/index.js';
import { startRegistryMode } from '../../runtime/schema-registry.js';
import { contractReadersOf, preloadWaiting } from '../../runtime/schema-readers.js';
import { buildScenario } from './scenario.js';
import { AnalyticsDb } from '../../adapters/duckdb/analytics-db.js';
import { writeReport } from '../report/write.js';
import { print } from './printer.js';

const durationSec = Number(process.env.DEMO_DURATION_SEC ?? 75);
const env = {
  ...process.env,
  OTKLIK_CONFIG: process.env.OTKLIK_CONFIG ?? join(ROOT, 'config/demo.yaml'),
  OTKLIK_KEY_PREFIX: process.env.OTKLIK_KEY_PREFIX ?? 'otklik-demo',
  OTKLIK_GROUP_ID: process.env.OTKLIK_GROUP_ID ?? 'otklik-demo-workers',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
};

async function main(): Promise<void> {
  const config = loadConfig(env);
  const { env: e } = config;
  const runId = `demo${randomBytes(3).toString('hex')}`;
  const logDir = join(ROOT, '.otklik', 'demo');
  mkdirSync(logDir, { recursive: true });
  // The terminal is for what the demo has to say: kafkajs's own lines below warn (a fresh broker's
  // first seconds among them) go to the log file only.
  const logger = pino(
    { level: 'info' },
    multistream([
      {
        level: 'info',
        stream: destination({ dest: join(logDir, 'demo.log'), append: true, sync: true }),
      },
      { level: 'warn', stream: process.stderr },
    ]),
  );
  const kafka = createKafka({ brokers: e.KAFKA_BROKERS, clientId: `otklik-demo-${runId}` }, logger);
  const topics = [
    e.OTKLIK_TOPIC_COMMENTS,
    e.OTKLIK_TOPIC_CLASSIFIED,
    e.OTKLIK_TOPIC_ALERTS,
    e.OTKLIK_TOPIC_DLQ,
    e.OTKLIK_TOPIC_ACTIONS,
  ];
  await ensureTopics(
    kafka,
    topics.map((topic) => ({ topic, numPartitions: e.OTKLIK_TOPIC_PARTITIONS, replicationFactor: 1 })),
  );

  const redis = connectRedis(e);
  const keys = new SlaKeys(e.OTKLIK_KEY_PREFIX);
  const countersBefore = totalsOf(await readCounterRows(redis, keys, e.OTKLIK_SHARDS));
  const lifecycleBefore = await readLifecycle(redis, keys, e.OTKLIK_SHARDS);

  print.info(`Otklik demo ${runId}: Kafka ${e.KAFKA_BROKERS.join(',')}, Redis ${new URL(e.REDIS_URL).host}`);
  await acceptLostDemoState(kafka, redis, e);
  print.info(
    `policy file ${config.configFile}; JSON logs (workers', sweeper's, Kafka client's) in .otklik/demo/*.log`,
  );
  const children = (['worker', 'worker', 'sweeper'] as const).map((role, i) =>
    launchRole({
      name: `${role}-${i + 1}`,
      roles: [role],
      env: { ...env, KAFKA_CLIENT_ID: 'otklik-demo', HTTP_PORT: String(9464 + i) },
      logFile: join(logDir, `${role}-${i + 1}.log`),
      keepLines: 0,
    }),
  );
  // The workers never outlive the demo: not on Ctrl-C, not when stdout closes (| head), not on a crash.
  process.on('exit', () => void killAll('SIGTERM'));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(signal, () => process.exit(130));
  process.stdout.on('error', () => process.exit(0));
  // The analytics sink of this run: a fresh file and group, joined before anything is sent, so the file
  // holds this run's comments and alerts (a new group starts at the topics' ends).
  const analyticsDb = join(logDir, `analytics-${runId}.duckdb`);
  const analyticsGroup = `otklik-demo-analytics-${runId}`;
  const sink = launchRole({
    name: 'analytics',
    script: 'services/apps/analytics/main.ts',
    env: {
      ...env,
      KAFKA_CLIENT_ID: 'otklik-demo',
      HTTP_PORT: '9467',
      OTKLIK_ANALYTICS_DB: analyticsDb,
      OTKLIK_ANALYTICS_GROUP_ID: analyticsGroup,
    },
    logFile: join(logDir, 'analytics.log'),
    keepLines: 0,
  });
  children.push(sink);
  print.info(
    `started 2 worker processes, 1 sweeper and 1 analytics sink (pids ${children.map((c) => c.pid).join(', ')})`,
  );
  await waitForWorkers(kafka, e.OTKLIK_GROUP_ID, 2);
  await waitForWorkers(kafka, analyticsGroup, 1);
  print.info('both workers joined the consumer group; sending sample comments');
  print.info(
    'operators act on some appeals as `otklik act` would (a pause, a resume, a final answer, a correction);\n' +
      'a first reply starts the final answer; every alert names its deadline: first reply or final answer',
  );

  const viewer = kafka.consumer({ groupId: `otklik-demo-view-${runId}` });
  await viewer.connect();
  await viewer.subscribe({
    topics: [e.OTKLIK_TOPIC_CLASSIFIED, e.OTKLIK_TOPIC_ALERTS, e.OTKLIK_TOPIC_DLQ],
    fromBeginning: true,
  });
  const mine = (key: string | undefined) => key?.includes(runId) ?? false;
  // With SCHEMA_REGISTRY_URL (the stack's registry) the workers write the registry's ids: the view reads
  // them through it, and the sample comments are written with the registry's CommentEvent id.
  const readers = contractReadersOf(e);
  const writers = (await startRegistryMode(e, logger))?.codecs ?? defaultCodecs();
  print.info(`schemas: ${readers.mode === 'registry' ? 'Schema Registry' : 'carried catalogue'}`);
  let alerts = 0;
  await viewer.run({
    eachMessage: async ({ topic, message }) => {
      const key = message.key?.toString();
      if (!mine(key) || !message.value) return;
      if (topic !== e.OTKLIK_TOPIC_DLQ) await preloadWaiting(readers, [message], { logger });
      if (topic === e.OTKLIK_TOPIC_CLASSIFIED) print.classified(readers.classifiedComment(message.value));
      else if (topic === e.OTKLIK_TOPIC_ALERTS) {
        alerts++;
        print.alert(readers.slaAlert(message.value));
      } else {
        const header = (name: string) => message.headers?.[name]?.toString() ?? '';
        print.deadLetter(key as string, header('otklik.dlq.code'), header('otklik.dlq.message'));
      }
    },
  });

  const producer = createPlainProducer(kafka);
  await producer.connect();
  const startMs = Date.now();
  for (const send of buildScenario(runId, startMs)) {
    const wait = startMs + send.atMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (send.kind === 'action') {
      const { action } = send;
      await producer.send({
        topic: e.OTKLIK_TOPIC_ACTIONS,
        messages: [{ key: action.comment_key, value: writers.operatorAction.encode(action) }],
      });
      print.action(action, send.note);
      continue;
    }
    if (send.kind === 'raw') {
      await producer.send({
        topic: e.OTKLIK_TOPIC_COMMENTS,
        messages: [
          {
            key: send.key,
            value: send.value,
            headers: send.contentType ? { 'content-type': send.contentType } : {},
          },
        ],
      });
      print.sent(send.note, send.key, '');
      continue;
    }
    const key = `${send.event.platform}:${send.event.comment_id}`;
    const value =
      send.kind === 'json'
        ? Buffer.from(JSON.stringify(send.event))
        : writers.commentEvent.encode(send.event);
    const headers = send.kind === 'json' ? { 'content-type': 'application/json' } : {};
    await producer.send({ topic: e.OTKLIK_TOPIC_COMMENTS, messages: [{ key, value, headers }] });
    // An official's comment answers its parent; a citizen's is written under it (a follow-up).
    const verb = send.event.author.kind === 'OFFICIAL' ? 'answers' : 'under';
    const target = send.event.parent_comment_id
      ? `→ ${verb} ${send.event.platform}:${send.event.parent_comment_id}`
      : '';
    print.sent(send.kind === 'json' ? `${send.note} (JSON)` : send.note, key, target);
  }

  const remaining = startMs + durationSec * 1000 - Date.now();
  if (remaining > 0) {
    print.info(`all sample messages sent; watching for ${Math.round(remaining / 1000)} s more for alerts…`);
    await new Promise((r) => setTimeout(r, remaining));
  }

  const after = totalsOf(await readCounterRows(redis, keys, e.OTKLIK_SHARDS));
  printSummary(countersBefore, after, alerts);
  printLifecycle(lifecycleBefore, await readLifecycle(redis, keys, e.OTKLIK_SHARDS));
  print.info(
    `read the alert topic with Kafka's own console consumer:\n  bash scripts/kafka/kafka.sh console-consumer ${e.OTKLIK_TOPIC_ALERTS} --from-beginning --max-messages 5`,
  );
  print.info('stop the stack with: npm run stack:down');

  await Promise.all(children.map((c) => c.stop()));
  await viewer.disconnect();
  await producer.disconnect();
  redis.disconnect();

  // The sink has written and released its file: the report of this run's day (UTC).
  const day = Date.UTC(
    new Date(startMs).getUTCFullYear(),
    new Date(startMs).getUTCMonth(),
    new Date(startMs).getUTCDate(),
  );
  const db = await AnalyticsDb.open(analyticsDb);
  try {
    const written = await writeReport(db.connection, {
      period: { fromMs: day, toMs: day + 86_400_000 },
      outDir: join(logDir, `report-${runId}`),
      chromium: e.OTKLIK_CHROMIUM,
    });
    print.info(`analytics report of this run: ${written.html} (also report.pdf, report.xlsx there)`);
  } catch (error) {
    print.info(`the analytics report could not be written: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}

/** Sends nothing until the workers share the partitions, so the timeline is not eaten by start-up. */
async function waitForWorkers(kafka: Kafka, groupId: string, members: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      if (group && group.state === 'Stable' && group.members.length >= members) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`workers did not join group ${groupId} within 90 s; see .otklik/demo/*.log`);
  } finally {
    await admin.disconnect();
  }
}

/**
 * The appeal lifecycle's counters (issue #16; docs/sla-engine.md): the final answer's (`final_*`), the
 * next reply's (`next_*`) and the `paused` gauge, summed over the shards' counter hashes, and the
 * corrections logged.
 */
async function readLifecycle(
  redis: ReturnType<typeof connectRedis>,
  keys: SlaKeys,
  shards: number,
): Promise<Record<string, number>> {
  const out: Record<string, number> = { corrections: 0 };
  for (let shard = 0; shard < shards; shard++) {
    for (const [field, value] of Object.entries(await readCounterHash(redis, keys, shard))) {
      const metric = field.slice(0, field.indexOf('|'));
      if (/^(final_|next_|paused$)/.test(metric)) out[metric] = (out[metric] ?? 0) + Number(value);
    }
    out.corrections = (out.corrections ?? 0) + (await redis.llen(keys.corrections(shard)));
  }
  return out;
}

function printLifecycle(before: Record<string, number>, after: Record<string, number>): void {
  const d = (metric: string) => (after[metric] ?? 0) - (before[metric] ?? 0);
  console.log("The rest of the appeals' life in this run (from Redis):");
  console.table({
    'final answer started (by a first reply)': d('final_opened'),
    'final answer given in time (RESOLVED)': d('final_answered_in_time'),
    'final answer given late': d('final_answered_late'),
    'final answer still open': d('final_open'),
    'final answer warned': d('final_warned'),
    'final answer breached': d('final_breached'),
    'final answer escalated': d('final_escalated'),
    'paused now (clock stopped)': d('paused'),
    'next reply started (a follow-up, a reopening)': d('next_opened'),
    'next reply still open': d('next_open'),
    'corrections logged (RECLASSIFIED)': d('corrections'),
  });
}

function printSummary(before: CounterTotals, after: CounterTotals, alerts: number): void {
  const delta = Object.fromEntries(
    Object.entries(after).map(([k, v]) => [k, v - before[k as keyof CounterTotals]]),
  ) as CounterTotals;
  console.log('\nSLA counters for this run (from Redis):');
  console.table({
    'opened (needs a reply)': delta.opened,
    'answered in time': delta.answered_in_time,
    'answered late': delta.answered_late,
    'still open': delta.open,
    warned: delta.warned,
    breached: delta.breached,
    escalated: delta.escalated,
    'cancelled (deleted)': delta.cancelled,
    'no reply needed': delta.not_actionable,
  });
  const compliance = complianceOf(delta);
  console.log(
    `alerts seen on the alert topic: ${alerts}; compliance: ${compliance === null ? 'n/a' : `${Math.round(compliance * 100)}%`}\n`,
  );
}

main().catch((error: Error) => {
  console.error(`demo failed: ${error.stack ?? error.message}`);
  process.exit(1);
});

/**
 * The demo keeps its keys and its consumer group between runs; a local Redis restarted without its data
 * since the last run would make the workers refuse to start (docs/faults.md 4c). The demo's keyspace is
 * disposable, so it accepts that loss itself, and says so; a production keyspace never does.
 */
async function acceptLostDemoState(
  kafka: Kafka,
  redis: ReturnType<typeof connectRedis>,
  e: {
    OTKLIK_KEY_PREFIX: string;
    OTKLIK_SHARDS: number;
    OTKLIK_GROUP_ID: string;
    OTKLIK_TOPIC_COMMENTS: string;
  },
) {
  const shards = await readShardStates(redis, e.OTKLIK_KEY_PREFIX, e.OTKLIK_SHARDS);
  const committed = await groupHasCommitted(kafka, e.OTKLIK_GROUP_ID, e.OTKLIK_TOPIC_COMMENTS);
  if (decideGeneration(shards, committed).kind !== 'lost') return;
  await writeGeneration(redis, e.OTKLIK_KEY_PREFIX, e.OTKLIK_SHARDS, { replace: true });
  print.info(
    `Redis lost the demo's SLA state since the last run (restarted without its data?): the demo accepts ` +
      `the loss of its own keys (${e.OTKLIK_KEY_PREFIX}) and starts afresh; docs/faults.md, "State lost"`,
  );
}

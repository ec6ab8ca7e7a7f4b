/**
 * The fuzz run: a real worker process (services/runtime/main.ts worker) on the real broker and Redis,
 * fed generated hostile and ordinary messages (./generator.ts), then checked:
 *
 * - no stall (the group's lag drains; no commit progress for `stallMs` while lag > 0 is a stall) and no
 *   crash (the process exits, or /healthz stops answering 200); /readyz answers 200 at the end;
 * - every stored input message is dead-lettered (by its source offset) or classified (by its event id:
 *   one output per stored copy) or, a delete, consumed silently; nothing twice, nothing lost, no output
 *   that no input explains; bytes that are no CommentEvent are dead-lettered, ordinary traffic is not;
 * - the SLA counters in Redis equal what the outputs imply (./sla-model.ts), also per region row for
 *   `opened` and `not_actionable` (a region that forges counter fields shows up as a row mismatch);
 * - Redis holds the run's keys only under its prefix, in the documented layout.
 */
import { createHash } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createKafka } from '../../services/adapters/kafka/client.js';
import { createReliableProducer } from '../../services/adapters/kafka/producer.js';
import { ensureTopics } from '../../services/adapters/kafka/topics.js';
import { readCounterRows } from '../../services/adapters/redis/reader/sla-reader.js';
import { SlaKeys } from '../../services/adapters/redis/keys.js';
import { decodeClassifiedComment, readDeadLetterHeaders } from '../../services/core/contracts/index.js';
import { COUNTER_METRICS, totalsOf, type CounterTotals } from '../../services/core/sla/counters.js';
import { createMessageSource, FUZZ_INDEX_HEADER, idOf, type MessageMeta } from './generator.js';
import { lagOf, readTopic, sleep, type Lag } from './kafka.js';
import { SlaModel } from './sla-model.js';
import { startWorker, untilReady, type FuzzWorker } from './worker.js';

export interface FuzzOptions {
  messages: number;
  seed: number;
  /**
   * KAFKA_BROKERS, REDIS_URL, OTKLIK_GROUP_ID, OTKLIK_TOPIC_{COMMENTS,CLASSIFIED,ALERTS,DLQ},
   * OTKLIK_KEY_PREFIX, OTKLIK_SHARDS, OTKLIK_TOPIC_PARTITIONS; passed to the worker as they are.
   */
  env: Record<string, string>;
  /** In every generated identifier and in the key prefix: how the run's Redis keys are found. */
  token: string;
  /** No commit for this long while messages wait: a stall. */
  stallMs: number;
  /** Longest wait for the lag to drain after the last send. */
  drainTimeoutMs: number;
  /** Messages per send (default 500). */
  sendBatch?: number;
  /** Share of ordinary traffic (default 0.5). */
  normalShare?: number;
  /** Share of hostile events with fields near or past a plausible limit (default 0.08). */
  bigShare?: number;
  /** Cap on hostile string fields, in bytes (to look past a size cliff). */
  maxFieldBytes?: number;
  /** Case names the generator leaves out (`big-<field>` leaves out messages with that field > 16 KB). */
  without?: readonly string[];
  /** Keep topics and Redis keys afterwards. */
  keep?: boolean;
  log: (line: string) => void;
}

export interface StallReport {
  atSeconds: number;
  lag: number;
  stuck: { partition: number; committed: number; end: number }[];
  readyz: string;
  healthz: string;
  /** The events with the largest fields right after the committed offsets: the likely poison pills. */
  suspects: string[];
  /** The worker's warnings and errors other than dead letters, most frequent first. */
  worker: string[];
}

export interface FuzzReport {
  messages: number;
  /** Input messages the topic holds (a producer re-send may store one twice). */
  stored: number;
  classified: number;
  dead_lettered: number;
  /** Deletes consumed without output. */
  silent: number;
  stalls: number;
  crashes: number;
  seed: number;
  seconds: number;
  lag: number;
  checks: Record<string, boolean>;
  /** What failed, one line each (the first few of each kind). */
  failures: string[];
  stall?: StallReport;
  crash?: string;
  /** Per case: sent, dead-lettered, classified. */
  cases: Record<string, { sent: number; dlq: number; classified: number }>;
  dlqCodes: Record<string, number>;
  counters: { expected: CounterTotals; observed: CounterTotals | null };
  workerProblems: Record<string, number>;
}

interface StoredInput {
  partition: number;
  offset: number;
  index: number;
}

interface ClassifiedOutput {
  eventId: string;
  region: string;
  category: string;
  priority: string;
  dueAt: number | null;
}

const METRIC_ROWS = ['opened', 'not_actionable'] as const;
/** Fields the worker hands to Redis (keys, dimensions, the open record). */
const STORED_FIELDS = new Set([
  'comment_id',
  'parent_comment_id',
  'region',
  'thread_id',
  'page_id',
  'municipality',
  'url',
]);

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const { env, log } = options;
  const topics = {
    comments: env.OTKLIK_TOPIC_COMMENTS as string,
    classified: env.OTKLIK_TOPIC_CLASSIFIED as string,
    alerts: env.OTKLIK_TOPIC_ALERTS as string,
    dlq: env.OTKLIK_TOPIC_DLQ as string,
  };
  const group = env.OTKLIK_GROUP_ID as string;
  const prefix = env.OTKLIK_KEY_PREFIX as string;
  const shards = Number(env.OTKLIK_SHARDS ?? 8);
  const partitions = Number(env.OTKLIK_TOPIC_PARTITIONS ?? 3);
  const kafka: Kafka = createKafka(
    { brokers: (env.KAFKA_BROKERS as string).split(','), clientId: `fuzz-${options.token}` },
    pino({ level: 'silent' }),
  );
  await ensureTopics(
    kafka,
    Object.values(topics).map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
  );
  const admin: Admin = kafka.admin();
  await admin.connect();
  const producer: Producer = createReliableProducer(kafka);
  await producer.connect();
  const redis = new Redis(env.REDIS_URL as string, { maxRetriesPerRequest: 2 });
  let worker: FuzzWorker | undefined;
  const metas: MessageMeta[] = [];
  const failures: string[] = [];
  let stall: StallReport | undefined;
  let crash: string | undefined;
  let lag: Lag | undefined;

  try {
    worker = await startWorker(env);
    await untilReady(worker, 90_000);
    log(`worker pid ${worker.pid} ready; sending ${options.messages} messages (seed ${options.seed})`);

    const input = { kafka, admin, topic: topics.comments };
    const source = createMessageSource(options.messages, {
      seed: options.seed,
      token: options.token,
      without: options.without,
      normalShare: options.normalShare,
      bigShare: options.bigShare,
      maxFieldBytes: options.maxFieldBytes,
    });
    let lastCommitted = -1;
    let lastProgressAt = Date.now();
    let lastLogAt = Date.now();
    /** Commit progress, crash and stall; returns false when the run cannot go on. */
    const watch = async (): Promise<boolean> => {
      const w = worker as FuzzWorker;
      lag = await lagOf(admin, group, topics.comments);
      const committed = [...lag.committed.values()].reduce((a, b) => a + b, 0);
      if (committed !== lastCommitted) {
        lastCommitted = committed;
        lastProgressAt = Date.now();
      }
      if (!w.alive()) {
        crash = `worker exited (${String(w.exitCode())})`;
        return false;
      }
      const health = await w.probe('/healthz');
      if (health.status !== 200) {
        crash = `/healthz answered ${health.status}: ${health.body.slice(0, 200)}`;
        return false;
      }
      if (lag.total > 0 && Date.now() - lastProgressAt > options.stallMs) {
        stall = await describeStall(w, lag, metas, started, options.stallMs, input);
        return false;
      }
      if (Date.now() - lastLogAt > 5_000) {
        lastLogAt = Date.now();
        log(`sent ${metas.length}/${options.messages}, committed ${committed}, lag ${lag.total}`);
      }
      return true;
    };

    const sendBatch = options.sendBatch ?? 500;
    let lastWatch = 0;
    for (;;) {
      const batch = source.next(sendBatch);
      if (batch.length === 0) break;
      await producer.send({
        topic: topics.comments,
        acks: -1,
        messages: batch.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      });
      for (const m of batch) metas.push(m.meta);
      if (Date.now() - lastWatch > 2_000) {
        lastWatch = Date.now();
        if (!(await watch())) break;
      }
    }
    if (!stall && !crash) {
      log(`all ${metas.length} sent; waiting for the lag to drain`);
      lastProgressAt = Math.max(lastProgressAt, Date.now() - options.stallMs / 2);
      const deadline = Date.now() + options.drainTimeoutMs;
      while (await watch()) {
        if ((lag as Lag).total === 0) break;
        if (Date.now() > deadline) {
          stall = await describeStall(worker, lag as Lag, metas, started, options.stallMs, input);
          break;
        }
        await sleep(500);
      }
    }
    if (stall) log(`STALL: ${JSON.stringify(stall)}`);
    if (crash) log(`CRASH: ${crash}`);

    const ready = await worker.probe('/readyz');
    const healthy = await worker.probe('/healthz');
    const checks: Record<string, boolean> = {
      noStall: !stall,
      noCrash: !crash,
      alive: worker.alive(),
      healthz: healthy.status === 200,
      readyz: ready.status === 200,
      lagZero: (lag as Lag | undefined)?.total === 0,
    };
    if (!checks.readyz) failures.push(`/readyz answered ${ready.status}: ${ready.body.slice(0, 200)}`);

    log('reading the input, classified and dead-letter topics');
    const outcome = await checkOutputs(kafka, admin, topics, metas, (lag as Lag).committed, failures);
    Object.assign(checks, outcome.checks);
    const counters = await checkCounters(redis, prefix, shards, outcome, metas, failures);
    checks.counters = counters.equal;
    checks.counterRows = counters.rowsEqual;
    checks.redisKeys = await checkRedisKeys(redis, prefix, options.token, failures);

    return {
      messages: metas.length,
      stored: outcome.stored.length,
      classified: outcome.classifiedCount,
      dead_lettered: outcome.dlqCount,
      silent: outcome.silent,
      stalls: stall ? 1 : 0,
      crashes: crash ? 1 : 0,
      seed: options.seed,
      seconds: Math.round((Date.now() - started) / 1000),
      lag: (lag as Lag | undefined)?.total ?? -1,
      checks,
      failures,
      ...(stall ? { stall } : {}),
      ...(crash ? { crash } : {}),
      cases: outcome.cases,
      dlqCodes: outcome.dlqCodes,
      counters: { expected: counters.expected, observed: counters.observed },
      workerProblems: Object.fromEntries([...worker.problems()].sort((a, b) => b[1] - a[1]).slice(0, 12)),
    };
  } finally {
    await worker?.stop();
    await producer.disconnect().catch(() => undefined);
    if (!options.keep) {
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await admin.deleteGroups([group]).catch(() => undefined);
      await deleteKeys(redis, prefix).catch(() => undefined);
    }
    await admin.disconnect();
    redis.disconnect();
  }
}

async function describeStall(
  worker: FuzzWorker,
  lag: Lag,
  metas: readonly MessageMeta[],
  started: number,
  stallMs: number,
  input: { kafka: Kafka; admin: Admin; topic: string },
): Promise<StallReport> {
  const stuck = [...lag.end]
    .map(([partition, end]) => ({ partition, committed: lag.committed.get(partition) ?? 0, end }))
    .filter((p) => p.end > p.committed);
  // The stuck chunks start at the committed offsets (a chunk is at most 1,000 messages); the likely
  // poison pills are their biggest events, biggest field first.
  const windows = new Map(stuck.map((p) => [p.partition, p.committed]));
  const waiting = await readTopic(input.kafka, input.admin, input.topic, (m) => {
    const from = windows.get(m.partition);
    const raw = m.headers[FUZZ_INDEX_HEADER];
    return from !== undefined && m.offset >= from && m.offset < from + 1_000 && raw !== undefined
      ? { at: `${m.partition}@${m.offset}`, meta: metas[Number(String(raw))] }
      : undefined;
  }).catch(() => []);
  // Fields that travel into Redis transitions rank first: text, event_id and author.id never do.
  const weight = (m: MessageMeta) =>
    m.eventId === undefined
      ? 0
      : (m.largestField?.bytes ?? 0) + ((m.bigFields ?? []).some((f) => STORED_FIELDS.has(f)) ? 1e7 : 0);
  const suspects = waiting
    .flatMap((w) => (w?.meta && weight(w.meta) > 16_384 ? [{ at: w.at, meta: w.meta }] : []))
    .sort((a, b) => weight(b.meta) - weight(a.meta))
    .slice(0, 8)
    .map(
      ({ at, meta: m }) =>
        `${at} #${m.index} ${m.kind} ${m.op} ${m.authorKind} ${m.largestField?.name}=${m.largestField?.bytes}B` +
        `${(m.bigFields?.length ?? 0) > 1 ? ` (over 16 KB: ${m.bigFields?.join(', ')})` : ''}`,
    );
  const readyz = await worker.probe('/readyz');
  const healthz = await worker.probe('/healthz');
  return {
    atSeconds: Math.round((Date.now() - started - stallMs) / 1000),
    lag: lag.total,
    stuck,
    readyz: `${readyz.status} ${readyz.body.slice(0, 200)}`,
    healthz: `${healthz.status}`,
    suspects,
    worker: [...worker.problems()]
      .filter(([line]) => !line.startsWith('message sent to the dead-letter topic'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([line, n]) => `${n}x ${line}`),
  };
}

interface OutputCheck {
  checks: Record<string, boolean>;
  stored: StoredInput[];
  classifiedCount: number;
  dlqCount: number;
  silent: number;
  /** Per event id, one of its outputs (the SLA model needs its classification and deadline). */
  outputs: Map<string, ClassifiedOutput>;
  dlqIndexes: Set<number>;
  processed: (input: StoredInput) => boolean;
  cases: FuzzReport['cases'];
  dlqCodes: Record<string, number>;
}

const note = (failures: string[], counter: Map<string, number>, kind: string, line: string) => {
  const n = (counter.get(kind) ?? 0) + 1;
  counter.set(kind, n);
  if (n <= 8) failures.push(line);
  else if (n === 9) failures.push(`${kind}: more ...`);
};

async function checkOutputs(
  kafka: Kafka,
  admin: Admin,
  topics: { comments: string; classified: string; dlq: string },
  metas: readonly MessageMeta[],
  committed: Map<number, number>,
  failures: string[],
): Promise<OutputCheck> {
  const seen = new Map<string, number>();
  const headerIndex = (headers: Record<string, unknown>) => {
    const raw = headers[FUZZ_INDEX_HEADER];
    const text = Buffer.isBuffer(raw) ? raw.toString() : typeof raw === 'string' ? raw : undefined;
    return text === undefined ? -1 : Number(text);
  };
  const stored = await readTopic(kafka, admin, topics.comments, (m) => ({
    partition: m.partition,
    offset: m.offset,
    index: headerIndex(m.headers),
  }));
  const byOffset = new Map(stored.map((s) => [`${s.partition}:${s.offset}`, s]));
  const processed = (s: StoredInput) => s.offset < (committed.get(s.partition) ?? 0);

  const dead = await readTopic(kafka, admin, topics.dlq, (m) => {
    const info = readDeadLetterHeaders(m.headers);
    return {
      source: `${info?.sourcePartition}:${info?.sourceOffset}`,
      code: info?.code ?? '(no code)',
      index: headerIndex(m.headers),
    };
  });
  const dlqBySource = new Map<string, number>();
  const dlqCodes: Record<string, number> = {};
  const dlqIndexes = new Set<number>();
  for (const d of dead) {
    dlqCodes[d.code] = (dlqCodes[d.code] ?? 0) + 1;
    dlqBySource.set(d.source, (dlqBySource.get(d.source) ?? 0) + 1);
    const input = byOffset.get(d.source);
    if (!input) {
      note(failures, seen, 'dlq-unknown-source', `dead letter from ${d.source}: no such input message`);
      continue;
    }
    if (d.index !== input.index) {
      note(
        failures,
        seen,
        'dlq-index',
        `dead letter of ${d.source} carries fuzz.i ${d.index}, the input ${input.index}`,
      );
    }
    dlqIndexes.add(input.index);
  }
  for (const [source, n] of dlqBySource) {
    if (n > 1) note(failures, seen, 'dlq-twice', `input ${source} dead-lettered ${n} times`);
  }

  const outputs = new Map<string, ClassifiedOutput>();
  const observedPerEvent = new Map<string, number>();
  let undecodable = 0;
  const classified = await readTopic(kafka, admin, topics.classified, (m) => {
    try {
      const c = decodeClassifiedComment(m.value as Buffer);
      const out: ClassifiedOutput = {
        eventId: idOf(c.comment.event_id),
        region: idOf(c.comment.region),
        category: c.classification.category,
        priority: c.classification.priority,
        dueAt: c.sla?.due_at ?? null,
      };
      return out;
    } catch {
      undecodable++;
      return undefined;
    }
  });
  for (const c of classified) {
    if (!c) continue;
    outputs.set(c.eventId, c);
    observedPerEvent.set(c.eventId, (observedPerEvent.get(c.eventId) ?? 0) + 1);
  }
  if (undecodable > 0) failures.push(`${undecodable} classified outputs do not decode`);

  const cases: FuzzReport['cases'] = {};
  const expectedPerEvent = new Map<string, number>();
  const kindsOfEvent = new Map<string, string>();
  let silent = 0;
  let unprocessed = 0;
  const storedIndexes = new Set<number>();
  for (const s of stored) {
    const meta = metas[s.index];
    if (!meta) {
      note(failures, seen, 'input-unknown', `input ${s.partition}:${s.offset} has no known fuzz.i`);
      continue;
    }
    storedIndexes.add(s.index);
    const row = (cases[meta.kind] ??= { sent: 0, dlq: 0, classified: 0 });
    row.sent++;
    const inDlq = dlqBySource.has(`${s.partition}:${s.offset}`);
    if (inDlq) row.dlq++;
    if (!processed(s)) {
      unprocessed++;
      continue;
    }
    const where = `#${meta.index} ${meta.kind} at ${s.partition}:${s.offset}`;
    if (meta.expect === 'dlq' && !inDlq) {
      note(
        failures,
        seen,
        'not-dead-lettered',
        `${where}: not a CommentEvent (${meta.localCode}) but not dead-lettered`,
      );
    }
    if ((meta.expect === 'classify' || meta.expect === 'silent') && inDlq) {
      note(failures, seen, 'ordinary-dead-lettered', `${where}: ordinary traffic dead-lettered`);
    }
    if (inDlq || meta.eventId === undefined) continue;
    if (meta.op === 'DELETED') {
      silent++;
      continue;
    }
    expectedPerEvent.set(meta.eventId, (expectedPerEvent.get(meta.eventId) ?? 0) + 1);
    kindsOfEvent.set(meta.eventId, `#${meta.index} ${meta.kind}`);
    row.classified++;
  }
  for (const m of metas) {
    if (!storedIndexes.has(m.index))
      note(failures, seen, 'not-stored', `#${m.index} ${m.kind} was sent but is not on the topic`);
  }
  for (const [eventId, expected] of expectedPerEvent) {
    const observed = observedPerEvent.get(eventId) ?? 0;
    if (observed !== expected) {
      note(
        failures,
        seen,
        observed < expected ? 'classified-missing' : 'classified-twice',
        `${kindsOfEvent.get(eventId)}: ${observed} classified outputs, expected ${expected}`,
      );
    }
  }
  for (const [eventId, n] of observedPerEvent) {
    if (!expectedPerEvent.has(eventId)) {
      note(
        failures,
        seen,
        'classified-unexplained',
        `${n} classified outputs of event ${JSON.stringify(eventId.slice(0, 60))} that no processed, undead-lettered input explains`,
      );
    }
  }
  if (unprocessed > 0) failures.push(`${unprocessed} input messages were never processed (committed)`);
  const fails = (...kinds: string[]) => kinds.some((k) => seen.has(k));
  return {
    checks: {
      everyInputAccounted: unprocessed === 0 && !fails('classified-missing', 'not-stored', 'input-unknown'),
      deadLetteredOnce: !fails('dlq-twice', 'dlq-unknown-source', 'dlq-index'),
      classifiedOnce: !fails('classified-twice', 'classified-unexplained') && undecodable === 0,
      garbageDeadLettered: !fails('not-dead-lettered'),
      ordinaryNotDeadLettered: !fails('ordinary-dead-lettered'),
    },
    stored,
    classifiedCount: classified.length,
    dlqCount: dead.length,
    silent,
    outputs,
    dlqIndexes,
    processed,
    cases,
    dlqCodes,
  };
}

async function checkCounters(
  redis: Redis,
  prefix: string,
  shards: number,
  outcome: OutputCheck,
  metas: readonly MessageMeta[],
  failures: string[],
) {
  const model = new SlaModel();
  const inOrder = [...outcome.stored].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  for (const s of inOrder) {
    const meta = metas[s.index];
    if (!meta || !outcome.processed(s) || outcome.dlqIndexes.has(s.index)) continue;
    if (meta.eventId === undefined || meta.commentKey === undefined) continue;
    if (meta.op === 'DELETED') {
      model.apply({ kind: 'cancel', key: meta.commentKey });
      continue;
    }
    if (meta.authorKind === 'OFFICIAL') {
      if (meta.parentKey)
        model.apply({ kind: 'answer', key: meta.parentKey, answeredAt: meta.postedAt as number });
      continue;
    }
    const out = outcome.outputs.get(meta.eventId);
    if (!out) continue;
    const dim = `${out.region}|${out.category}|${out.priority}`;
    if (out.dueAt !== null) {
      model.apply({
        kind: 'open',
        key: meta.commentKey,
        dim,
        postedAt: meta.postedAt as number,
        dueAt: out.dueAt,
      });
    } else {
      model.apply({ kind: 'notActionable', key: meta.commentKey, dim });
    }
  }
  let observed: CounterTotals | null = null;
  let equal = false;
  let rowsEqual = false;
  try {
    const rows = await readCounterRows(redis, new SlaKeys(prefix), shards);
    observed = totalsOf(rows);
    equal = COUNTER_METRICS.every((m) => (observed as CounterTotals)[m] === model.totals[m]);
    if (!equal) {
      const diff = COUNTER_METRICS.filter((m) => (observed as CounterTotals)[m] !== model.totals[m]).map(
        (m) => `${m} ${(observed as CounterTotals)[m]} (expected ${model.totals[m]})`,
      );
      failures.push(`counters differ: ${diff.join(', ')}`);
    }
    const observedRows = new Map<string, number>();
    for (const r of rows) {
      if (!(METRIC_ROWS as readonly string[]).includes(r.metric)) continue;
      const row = `${r.metric}|${idOf(r.region)}|${r.category}|${r.priority}`;
      observedRows.set(row, (observedRows.get(row) ?? 0) + r.value);
    }
    const differing = [...new Set([...observedRows.keys(), ...model.rows.keys()])].filter(
      (row) => (observedRows.get(row) ?? 0) !== (model.rows.get(row) ?? 0),
    );
    rowsEqual = differing.length === 0;
    for (const row of differing.slice(0, 6)) {
      failures.push(
        `counter row ${JSON.stringify(row.slice(0, 120))}: ${observedRows.get(row) ?? 0} in Redis, ${model.rows.get(row) ?? 0} expected`,
      );
    }
  } catch (error) {
    failures.push(`counters unreadable: ${(error as Error).message}`);
  }
  return { expected: model.totals, observed, equal, rowsEqual };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function* scanKeys(redis: Redis, pattern: string): AsyncGenerator<string> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2_000);
    cursor = next;
    yield* keys;
  } while (cursor !== '0');
}

/** Every key of the run is under its prefix and in the layout of services/adapters/redis/lua/_README.md. */
async function checkRedisKeys(
  redis: Redis,
  prefix: string,
  token: string,
  failures: string[],
): Promise<boolean> {
  const layout = new RegExp(
    `^${escapeRegExp(prefix)}:\\{\\d+\\}:(?:o:\\d+|[dl][xn]|[dl]:[hqt]?\\d+\\.\\d+|soon|v|gen|lease|cnt|cnt:b|daily|daily:\\d+|f:.+|(?:act|ap|pend|ln):.+|corr)$`,
    's',
  );
  let ok = true;
  let bad = 0;
  for await (const key of scanKeys(redis, `${prefix}*`)) {
    if (layout.test(key)) continue;
    ok = false;
    if (bad++ < 5) failures.push(`Redis key outside the layout: ${JSON.stringify(key.slice(0, 120))}`);
  }
  for await (const key of scanKeys(redis, `*${token}*`)) {
    if (key.startsWith(`${prefix}:`)) continue;
    ok = false;
    if (bad++ < 10) failures.push(`Redis key outside the prefix: ${JSON.stringify(key.slice(0, 120))}`);
  }
  return ok;
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const batch: string[] = [];
  for await (const key of scanKeys(redis, `${prefix}:*`)) {
    batch.push(key);
    if (batch.length >= 1_000) await redis.unlink(...batch.splice(0));
  }
  if (batch.length > 0) await redis.unlink(...batch);
}

/** A short stable token from a seed and the time: topic, group and key names of one run. */
export function runToken(seed: number): string {
  return `fuzz${createHash('sha1').update(`${seed}:${Date.now()}:${Math.random()}`).digest('hex').slice(0, 10)}`;
}

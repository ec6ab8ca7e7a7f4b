/**
 * `npm run bench:analytics [-- --ingest N] [--comments N] [--out DIR]`: the analytics store's figures.
 *
 * 1. Ingest: N classified comments (default 200,000) produced to a fresh topic on the real broker, then
 *    read by the analytics sink (the role's processor on the batched consumer loop, in this process)
 *    into a fresh DuckDB file: `ingest_per_s` from the group joined (before the first fetch) to the last
 *    chunk committed. `--chunk N` and `--fetch-mb N` set the sink's transaction sizes (default: the
 *    sink's own, ANALYTICS_CHUNK_SIZE and ANALYTICS_FETCH_MB); `--ingest-only` skips step 2.
 * 2. Queries: a second file with --comments generated comments (default 10,000,000: a year of a large
 *    district twenty times over) and their official replies; every report query for one region (54) and
 *    one month (November 2026) three times, its median: `query_p50_ms` (median of the queries),
 *    `query_max_ms` (the slowest); the whole report of that region and month, PDF included (`report_s`);
 *    and the file's size per million comments (`db_mb_per_million`).
 *
 * Needs the broker (KAFKA_BROKERS) and Chromium (OTKLIK_CHROMIUM). Prints a machine reference, the
 * figures, and as its last line the figures as JSON.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { AnalyticsDb } from '../../services/adapters/duckdb/analytics-db.js';
import { createKafka } from '../../services/adapters/kafka/client.js';
import { createPlainProducer } from '../../services/adapters/kafka/producer.js';
import { ensureTopics } from '../../services/adapters/kafka/topics.js';
import { REPORT_QUERIES, runReportQuery, type ReportQueryName } from '../../services/apps/report/queries.js';
import { writeReport } from '../../services/apps/report/write.js';
import type { AnalyticsChunk } from '../../services/core/analytics/rows.js';
import { encodeClassifiedComment, type ClassifiedComment } from '../../services/core/contracts/index.js';
import {
  ANALYTICS_CHUNK_SIZE,
  ANALYTICS_FETCH_MB,
  AnalyticsSink,
  analyticsFetchBytes,
} from '../../services/roles/analytics/analytics-sink.js';
import { BatchedConsumer } from '../../services/runtime/consumer/batched-consumer.js';
import type { Processor } from '../../services/runtime/consumer/processor.js';
import { generateComments } from './analytics-generate.js';
import { referenceLine, referenceMs } from './machine-reference.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at === -1) return fallback;
  const n = Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} needs a positive integer`);
  return n;
}

const INGEST = option('--ingest', 200_000);
// The sink's transaction sizes (its defaults unless told): messages per partition's chunk, MB per fetch.
const CHUNK = option('--chunk', ANALYTICS_CHUNK_SIZE);
const FETCH_MB = option('--fetch-mb', ANALYTICS_FETCH_MB);
// Only the ingest (no generated file, no report): for alternating two settings.
const INGEST_ONLY = process.argv.includes('--ingest-only');
const BEFORE = !process.argv.includes('--no-before');
const COMMENTS = option('--comments', 10_000_000);
// DuckDB's threads for the ingested file (default: one per core).
const THREADS = process.argv.includes('--threads') ? option('--threads', 0) : undefined;
const outAt = process.argv.indexOf('--out');
const dir = mkdtempSync(join(tmpdir(), 'otklik-bench-analytics-'));
const outDir = outAt === -1 ? join(dir, 'report') : String(process.argv[outAt + 1]);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const chromium = process.env.OTKLIK_CHROMIUM ?? '/usr/bin/chromium';

function comment(i: number): ClassifiedComment {
  const at = Date.UTC(2026, 10, 1) + i * 1000;
  return {
    key: `VK:${i}`,
    comment: {
      event_id: `e${i}`,
      op: 'POSTED',
      platform: 'VK',
      comment_id: String(i),
      thread_id: `wall-${i % 1000}`,
      parent_comment_id: null,
      page_id: `page-${i % 50}`,
      region: ['54', '55', '22', '42', '70'][i % 5] as string,
      municipality: `m${i % 20}`,
      author: { id: `u${i % 9973}`, kind: 'CITIZEN' },
      text: 'Третий день нет горячей воды в доме, когда дадут?',
      posted_at: at,
      url: null,
    },
    classification: {
      category: 'housing_utilities',
      type: 'complaint',
      priority: 'normal',
      toxic: false,
      spam: false,
      actionable: true,
      confidence: 0.9,
      evidence: [{ concern: 'category', feature: 'housing_utilities:горяч вод', weight: 2 }],
      version: 'bench',
      text_truncated: false,
    },
    sla: { policy_id: 'bench', warn_at: at + 5_400_000, due_at: at + 7_200_000 },
    classified_at: at + 5,
  } as ClassifiedComment;
}

async function ingest() {
  const runId = randomBytes(4).toString('hex');
  const topic = `bench.${runId}.classified`;
  const kafka = createKafka({ brokers, clientId: `bench-analytics-${runId}` }, pino({ level: 'silent' }));
  await ensureTopics(kafka, [{ topic, numPartitions: 6, replicationFactor: 1 }]);
  const producer = createPlainProducer(kafka);
  await producer.connect();
  // All produced before the sink starts: the producer's cost is not the sink's.
  for (let i = 0; i < INGEST; i += 5000) {
    const n = Math.min(5000, INGEST - i);
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: n }, (_, k) => {
        const j = i + k;
        return { key: `VK:${j}`, value: encodeClassifiedComment(comment(j)) };
      }),
    });
  }
  await producer.disconnect();

  const db = await AnalyticsDb.open(join(dir, 'ingest.duckdb'), { threads: THREADS });
  const sink = new AnalyticsSink(db, { classified: topic, alerts: `${topic}.none` });
  let first = 0;
  let last = 0;
  let written = 0;
  // Where the time goes: decoding into rows (JS) and writing them (the DuckDB transaction).
  let prepareMs = 0;
  let flushMs = 0;
  let flushes = 0;
  // The process's CPU (JS and DuckDB's threads) over the same span: less at the mercy of a busy machine.
  let cpuAtFirst = process.cpuUsage();
  let cpuAtLast = process.cpuUsage();
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  // The sink as is, with a clock around it.
  const timed: Processor<AnalyticsChunk> = {
    start: () => sink.start(),
    close: () => Promise.resolve(),
    prepare: (messages, source) => {
      const t = performance.now();
      const chunk = sink.prepare(messages, source);
      prepareMs += performance.now() - t;
      return chunk;
    },
    flush: async (group) => {
      const t = performance.now();
      await sink.flush(group);
      flushMs += performance.now() - t;
      flushes += 1;
      written += group.reduce((n, c) => n + c.prepared.events.length, 0);
      last = performance.now();
      cpuAtLast = process.cpuUsage(cpuAtFirst);
      if (written >= INGEST) resolveDone();
    },
    // Called when the group is joined, before the first fetch: the clock starts there, so that the first
    // fetch (larger with larger fetches) is counted.
    storedOffsets: (assigned) => {
      if (first === 0) {
        first = performance.now();
        cpuAtFirst = process.cpuUsage();
      }
      return sink.storedOffsets(assigned);
    },
  };
  const consumer = new BatchedConsumer({
    kafka,
    logger: pino({ level: 'silent' }),
    name: 'analytics-bench',
    groupId: `bench-analytics-${runId}`,
    topics: [topic],
    processor: timed,
    chunkSize: CHUNK,
    fetchBytes: analyticsFetchBytes(FETCH_MB),
    partitionsConsumedConcurrently: 6,
    fromBeginning: true,
  });
  await consumer.start();
  await done;
  await consumer.close();
  const count = (await db.connection.runAndReadAll('SELECT count(*) AS n FROM events')).getRowObjectsJson()[0]
    ?.n;
  db.close();
  if (Number(count) !== INGEST) throw new Error(`ingest: ${String(count)} rows stored, ${INGEST} produced`);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  const seconds = (last - first) / 1000;
  return {
    ingest_per_s: Math.round(INGEST / seconds),
    ingest_s: Number(seconds.toFixed(2)),
    ingest_prepare_s: Number((prepareMs / 1000).toFixed(2)),
    ingest_flush_s: Number((flushMs / 1000).toFixed(2)),
    ingest_flushes: flushes,
    ingest_cpu_us_per_comment: Number(((cpuAtLast.user + cpuAtLast.system) / INGEST).toFixed(1)),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const MEASURES = join(import.meta.dirname, '../../services/adapters/duckdb/measures');

/**
 * The same report queries over the views as they were before `comment_latest` (analytics-before.sql:
 * every query de-duplicating all events), in a schema of their own, once each: the "before" of this run.
 */
async function queriesBefore(db: AnalyticsDb, period: { fromMs: number; toMs: number }) {
  const c = db.connection;
  await c.run("CREATE SCHEMA IF NOT EXISTS before; SET schema = 'before'");
  await c.run(readFileSync(join(import.meta.dirname, 'analytics-before.sql'), 'utf8'));
  for (const file of readdirSync(MEASURES)
    .filter((f) => f.endsWith('.sql') && !f.startsWith('10-'))
    .sort())
    await c.run(readFileSync(join(MEASURES, file), 'utf8'));
  await c.run("SET schema = 'main'; SET search_path = 'before,main'");
  const times: Record<string, number> = {};
  try {
    for (const name of Object.keys(REPORT_QUERIES) as ReportQueryName[]) {
      const t = performance.now();
      await runReportQuery(c, name, period, '54');
      times[name] = Math.round(performance.now() - t);
    }
  } finally {
    await c.run("SET search_path = 'main'; DROP SCHEMA before CASCADE");
  }
  return times;
}

async function queries() {
  const file = join(dir, 'generated.duckdb');
  const db = await AnalyticsDb.open(file);
  const t0 = performance.now();
  await generateComments(db.connection, COMMENTS);
  await db.rebuildLatest();
  await db.connection.run('CHECKPOINT');
  const generate_s = (performance.now() - t0) / 1000;
  const period = { fromMs: Date.UTC(2026, 10, 1), toMs: Date.UTC(2026, 11, 1) };
  const beforeMs = BEFORE ? await queriesBefore(db, period) : undefined;
  const perQuery: Record<string, number> = {};
  for (const name of Object.keys(REPORT_QUERIES) as ReportQueryName[]) {
    const times: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      await runReportQuery(db.connection, name, period, '54');
      times.push(performance.now() - t);
    }
    perQuery[name] = Math.round(median(times));
  }
  const t1 = performance.now();
  const written = await writeReport(db.connection, { period, region: '54', outDir, chromium });
  const report_s = (performance.now() - t1) / 1000;
  db.close();
  const size = statSync(file).size;
  return {
    generate_s: Number(generate_s.toFixed(1)),
    per_query_ms: perQuery,
    before_ms: beforeMs,
    ...(beforeMs ? { before_query_p50_ms: median(Object.values(beforeMs)) } : {}),
    query_p50_ms: median(Object.values(perQuery)),
    query_max_ms: Math.max(...Object.values(perQuery)),
    report_s: Number(report_s.toFixed(2)),
    report_pdf_s: Number((written.timings.pdf_ms / 1000).toFixed(2)),
    db_mb_per_million: Number((size / 1e6 / (COMMENTS / 1e6)).toFixed(1)),
    ...(outAt === -1 ? {} : { report_dir: outDir }),
  };
}

async function main(): Promise<void> {
  console.log(referenceLine(referenceMs()));
  try {
    const ingested = await ingest();
    console.log(
      `ingest: ${INGEST} comments in ${ingested.ingest_s} s: ${ingested.ingest_per_s}/s (decoding ${ingested.ingest_prepare_s} s, writing ${ingested.ingest_flush_s} s in ${ingested.ingest_flushes} transactions; ${ingested.ingest_cpu_us_per_comment} µs of CPU a comment; chunks of ${CHUNK}, fetches of ${FETCH_MB} MB a partition)`,
    );
    if (INGEST_ONLY) {
      console.log(JSON.stringify({ ingested: INGEST, chunk: CHUNK, fetch_mb: FETCH_MB, ...ingested }));
      return;
    }
    const q = await queries();
    console.log(`generated ${COMMENTS} comments (with replies) in ${q.generate_s} s`);
    for (const [name, ms] of Object.entries(q.per_query_ms)) {
      const before = q.before_ms?.[name];
      const was =
        before === undefined
          ? ''
          : `; before comment_latest ${before} ms (once), ${(before / Math.max(ms, 1)).toFixed(1)}x`;
      console.log(`  query ${name}: ${ms} ms (median of 3)${was}`);
    }
    console.log(
      `queries: median ${q.query_p50_ms} ms, slowest ${q.query_max_ms} ms; report of region 54, Nov 2026: ${q.report_s} s (PDF ${q.report_pdf_s} s); ${q.db_mb_per_million} MB per million comments`,
    );
    const { per_query_ms: _omit, before_ms: _before, ...figures } = q;
    void _omit;
    void _before;
    console.log(
      JSON.stringify({
        comments: COMMENTS,
        ingested: INGEST,
        chunk: CHUNK,
        fetch_mb: FETCH_MB,
        ...ingested,
        ...figures,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench:analytics: ${error.stack ?? error.message}\n`);
  process.exit(1);
});

/**
 * `npx tsx tools/bench/analytics-write.ts [--groups N] [--size N] [--rounds N] [--checkpoint-mb A,B]`:
 * the analytics store's write path alone (no Kafka, no decoding): --groups transactions of --size new
 * comments each (defaults 50 × 20,000) through `AnalyticsDb.write` into a fresh file, once per checkpoint
 * threshold (default 16, DuckDB's own, and 256, the sink's), alternated --rounds times (default 2) in one
 * run. Prints a machine reference, a line per run (comments/s, process CPU µs per comment, the file and
 * write-ahead log sizes at the end) and, last, JSON with the medians per threshold.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyticsDb } from '../../services/adapters/duckdb/analytics-db.js';
import type { AnalyticsChunk, EventRow } from '../../services/core/analytics/rows.js';
import { referenceLine, referenceMs } from './machine-reference.js';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : String(process.argv[at + 1]);
}
const GROUPS = Number(option('--groups', '50'));
const SIZE = Number(option('--size', '20000'));
const ROUNDS = Number(option('--rounds', '2'));
const THRESHOLDS = option('--checkpoint-mb', '16,256').split(',').map(Number);

function row(i: number): EventRow {
  const at = Date.UTC(2026, 10, 1) + i * 1000;
  return {
    offset: String(i),
    event_id: `e${i}`,
    comment_key: `VK:${i}`,
    op: 'POSTED',
    platform: 'VK',
    comment_id: String(i),
    thread_id: `wall-${i % 1000}`,
    parent_key: null,
    page_id: `page-${i % 50}`,
    region: ['54', '55', '22', '42', '70'][i % 5] as string,
    municipality: `m${i % 20}`,
    author_kind: 'CITIZEN',
    posted_at_ms: at,
    category: 'housing_utilities',
    type: 'complaint',
    priority: 'normal',
    toxic: false,
    spam: false,
    actionable: true,
    sla_due_at_ms: at + 7_200_000,
    classified_at_ms: at + 5,
    text_chars: 50,
    theme: 'горяч вод',
    url: null,
  };
}

function groupOf(g: number): AnalyticsChunk[] {
  const events = Array.from({ length: SIZE }, (_, k) => row(g * SIZE + k));
  const next = { topic: 'bench', partition: 0, offset: String((g + 1) * SIZE) };
  return [{ events, alerts: [], decisions: [], rejected: [], next }];
}

async function run(checkpointMb: number) {
  const dir = mkdtempSync(join(tmpdir(), 'otklik-analytics-write-'));
  const file = join(dir, 'w.duckdb');
  const db = await AnalyticsDb.open(file, { checkpointMb });
  const groups = Array.from({ length: GROUPS }, (_, g) => groupOf(g));
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (const group of groups) await db.write(group);
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - t) / 1000;
  const size = (path: string) => {
    try {
      return Math.round(statSync(path).size / 1e6);
    } catch {
      return 0;
    }
  };
  const figures = {
    checkpoint_mb: checkpointMb,
    per_s: Math.round((GROUPS * SIZE) / seconds),
    cpu_us_per_comment: Number(((used.user + used.system) / (GROUPS * SIZE)).toFixed(1)),
    file_mb: size(file),
    wal_mb: size(`${file}.wal`),
  };
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return figures;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

console.log(referenceLine(referenceMs()));
const results: Awaited<ReturnType<typeof run>>[] = [];
for (let r = 0; r < ROUNDS; r += 1) {
  for (const mb of THRESHOLDS) {
    const figures = await run(mb);
    results.push(figures);
    console.log(
      `checkpoint ${mb} MB: ${GROUPS * SIZE} comments, ${figures.per_s}/s, ${figures.cpu_us_per_comment} µs of CPU a comment (file ${figures.file_mb} MB, log ${figures.wal_mb} MB at the end)`,
    );
  }
}
console.log(
  JSON.stringify({
    comments: GROUPS * SIZE,
    rounds: ROUNDS,
    medians: THRESHOLDS.map((mb) => {
      const of = results.filter((f) => f.checkpoint_mb === mb);
      return {
        checkpoint_mb: mb,
        per_s: median(of.map((f) => f.per_s)),
        cpu_us_per_comment: Number(median(of.map((f) => f.cpu_us_per_comment)).toFixed(1)),
      };
    }),
  }),
);

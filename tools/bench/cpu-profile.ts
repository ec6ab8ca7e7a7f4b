/**
 * Where a process spent its CPU: reads a V8 `.cpuprofile` (node --cpu-prof) and sums self time by part
 * of the code base and by function. Idle time is left out; percentages are of busy time.
 *
 *   tsx tools/bench/cpu-profile.ts <file.cpuprofile>
 */
import { readFileSync } from 'node:fs';

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

type Frame = ProfileNode['callFrame'];

/**
 * Activities of a worker, decided over the whole stack of a sample (so Buffer copies made while kafkajs
 * encodes a produce request count as producing). First rule that matches any frame of the stack wins.
 */
const ACTIVITIES: [string, (f: Frame) => boolean][] = [
  ['garbage collector', (f) => f.functionName === '(garbage collector)'],
  ['classify', (f) => /services\/core\/classifier|snowball/.test(f.url)],
  ['avro encode of the output', (f) => /classified-encoder\.ts/.test(f.url)],
  ['decode + checks of the input', (f) => /comment-decoder\.ts/.test(f.url)],
  ['sla plan (policy, calendar)', (f) => /services\/core\/(sla|calendar|regions)|luxon/.test(f.url)],
  ['prepareBatch (rest)', (f) => /services\/worker\/prepare-batch/.test(f.url)],
  [
    'redis pipeline (ioredis)',
    (f) => /services\/adapters\/redis|node_modules\/(ioredis|redis-parser|denque)/.test(f.url),
  ],
  [
    'kafka produce (encode records, crc)',
    (f) => /kafkajs\/src\/(producer|protocol\/requests\/produce)/.test(f.url),
  ],
  [
    'kafka commit, heartbeat',
    (f) => /kafkajs\/src\/(consumer\/offsetManager|protocol\/requests\/(offsetCommit|heartbeat))/.test(f.url),
  ],
  [
    'kafka fetch (decode records)',
    (f) =>
      /kafkajs\/src\/(consumer|protocol\/requests\/fetch|protocol\/recordBatch|protocol\/message)/.test(
        f.url,
      ),
  ],
  ['kafka network, other', (f) => /kafkajs/.test(f.url)],
  ['logging, metrics', (f) => /pino|prom-client|sonic-boom|services\/observability/.test(f.url)],
  ['worker loop', (f) => /services\/worker/.test(f.url)],
  ['startup (tsx, esbuild)', (f) => /node_modules\/(tsx|esbuild|get-tsconfig)/.test(f.url)],
];

export interface ProfileSummary {
  busyMs: number;
  parts: { part: string; ms: number; share: number }[];
  functions: { name: string; ms: number; share: number }[];
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const parts = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    if (frame.functionName === '(idle)') continue;
    busy += us;
    const stack: Frame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      stack.push((byId.get(at) as ProfileNode).callFrame);
    }
    const part = ACTIVITIES.find(([, test]) => stack.some(test))?.[0] ?? 'other ((program), node internals)';
    parts.set(part, (parts.get(part) ?? 0) + us);
    const short = frame.url.replace(/^.*\/(node_modules\/[^/]+|services|scripts)\//, '$1/');
    const name = `${frame.functionName || '(anonymous)'} ${short}${short ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, us]) => ({ k, ms: Math.round(us / 1000), share: busy ? us / busy : 0 }));
  return {
    busyMs: Math.round(busy / 1000),
    parts: rows(parts).map(({ k, ms, share }) => ({ part: k, ms, share })),
    functions: rows(functions)
      .slice(0, top)
      .map(({ k, ms, share }) => ({ name: k, ms, share })),
  };
}

export function formatSummary(summary: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  return [
    `busy CPU ${summary.busyMs} ms`,
    ...summary.parts.map((p) => `  ${pct(p.share)}  ${String(p.ms).padStart(6)} ms  ${p.part}`),
    'top functions (self time):',
    ...summary.functions.map((f) => `  ${pct(f.share)}  ${String(f.ms).padStart(6)} ms  ${f.name}`),
  ].join('\n');
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: tsx tools/bench/cpu-profile.ts <file.cpuprofile>\n');
    process.exit(2);
  }
  console.log(formatSummary(summariseProfile(file, 25)));
}

/**
 * This checkout's classifier against another's, in one process: `npm run bench:classifier:ab --
 * --baseline <path of the other checkout> [--rounds 10] [--texts 20000]`.
 * Whole bench runs on a shared machine move with the neighbours' load by more than a change of a few
 * per cent; here both versions classify the same texts (classifier-texts.ts) in alternating rounds, each
 * timed in CPU time, and the ratio is taken round by round, so load that drifts during the run hits both
 * sides of a pair. Prints the machine reference before and after, and per kind of text a JSON line with
 * the median per CPU-second of each side and the median ratio (this checkout / baseline).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { classify as ours } from '../../services/core/classifier/index.js';
import { devLengthTexts, generate } from './classifier-texts.js';
import { referenceLine, referenceMs } from './machine-reference.js';

type Classify = typeof ours;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const baselineDir = arg('--baseline');
if (baselineDir === undefined) {
  process.stderr.write('bench:classifier:ab: --baseline <path of the other checkout> is required\n');
  process.exit(2);
}
const rounds = Number(arg('--rounds') ?? 10);
const count = Number(arg('--texts') ?? 20000);
const baselineModule = pathToFileURL(resolve(baselineDir, 'services/core/classifier/index.ts')).href;
const theirs = ((await import(baselineModule)) as { classify: Classify }).classify;

function perCpuSecond(classify: Classify, texts: readonly string[]): number {
  const started = process.cpuUsage();
  let sink = 0;
  for (const text of texts) sink += classify({ text, postedAt: 1_700_000_000_000, region: '54' }).confidence;
  const used = process.cpuUsage(started);
  if (sink < 0) throw new Error('unreachable: keeps the loop from being optimised away');
  return texts.length / ((used.user + used.system) / 1e6);
}

const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

console.log(referenceLine(referenceMs()));
const generated = generate(count, 42);
const kinds = { generated, dev_lengths: devLengthTexts(count, 7, generated) };
for (const [kind, texts] of Object.entries(kinds)) {
  perCpuSecond(ours, texts); // warm-up: JIT and caches, as in a long-running worker
  perCpuSecond(theirs, texts);
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Which side goes first alternates, so neither always meets a colder cache or a busier moment.
    const first = r % 2 === 0;
    const x = first ? perCpuSecond(ours, texts) : 0;
    const y = perCpuSecond(theirs, texts);
    const xs = first ? x : perCpuSecond(ours, texts);
    a.push(xs);
    b.push(y);
    ratios.push(xs / y);
  }
  console.log(
    JSON.stringify({
      texts: kind,
      rounds,
      per_cpu_s: Math.round(median(a)),
      baseline_per_cpu_s: Math.round(median(b)),
      ratio_median: Number(median(ratios).toFixed(3)),
      ratios: ratios.map((x) => Number(x.toFixed(3))),
    }),
  );
}
console.log(referenceLine(referenceMs()));

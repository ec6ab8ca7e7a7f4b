/**
 * The classifier's cost on hostile texts: `npm run bench:classifier -- --adversarial`. For each kind of
 * tools/bench/adversarial-texts.ts, CPU µs per KB of text at 1, 4, 16 and 64 KB with the read limit
 * raised (flat across a row means linear), then the µs per comment at the default limit for a 64 KB and
 * a 1 MB text (the cut bounds them). The last line printed is JSON.
 */
import { classify, DEFAULT_MAX_TEXT_BYTES } from '../../services/core/classifier/index.js';
import { ADVERSARIAL_KINDS, adversarialText, type AdversarialKind } from './adversarial-texts.js';
import { referenceLine, referenceMs } from './machine-reference.js';

const SIZES_KB = [1, 4, 16, 64] as const;
const UNLIMITED = 1 << 30;
// Each figure is the CPU time of repeated runs that add up to at least this much.
const MIN_CPU_MS = 40;

/** CPU µs of one classification of `text`, the fastest of five rounds of repeated runs. */
function cpuMicros(text: string, maxTextBytes: number): number {
  classify({ text, maxTextBytes });
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    let runs = 0;
    const start = process.cpuUsage();
    let spent = 0;
    while (spent < MIN_CPU_MS * 1000 || runs < 2) {
      classify({ text, maxTextBytes });
      runs++;
      const c = process.cpuUsage(start);
      spent = c.user + c.system;
    }
    best = Math.min(best, spent / runs);
  }
  return best;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

export function runAdversarialBench(): void {
  const reference = referenceMs();
  const kinds = Object.keys(ADVERSARIAL_KINDS) as AdversarialKind[];
  const perKb: Record<string, Record<string, number>> = {};
  const atDefault: Record<string, { us_64k: number; us_1m: number }> = {};
  let worstPerKb = 0;
  let worstGrowth = 0;
  console.log(
    `µs of CPU per KB of text, read limit raised | µs per comment at the default limit (${DEFAULT_MAX_TEXT_BYTES / 1024} KB)`,
  );
  console.log(
    `${'kind'.padEnd(16)}${SIZES_KB.map((kb) => `${kb} KB`.padStart(9)).join('')}   64 KB text  1 MB text`,
  );
  for (const kind of kinds) {
    const row: Record<string, number> = {};
    for (const kb of SIZES_KB) {
      row[String(kb)] = round1(cpuMicros(adversarialText(kind, kb * 1024), UNLIMITED) / kb);
      worstPerKb = Math.max(worstPerKb, row[String(kb)] as number);
    }
    // How much dearer a KB is in a 64 KB text than in a 4 KB one: about 1 for a linear cost.
    worstGrowth = Math.max(worstGrowth, (row['64'] as number) / (row['4'] as number));
    perKb[kind] = row;
    atDefault[kind] = {
      us_64k: Math.round(cpuMicros(adversarialText(kind, 64 * 1024), DEFAULT_MAX_TEXT_BYTES)),
      us_1m: Math.round(cpuMicros(adversarialText(kind, 1024 * 1024), DEFAULT_MAX_TEXT_BYTES)),
    };
    console.log(
      `${kind.padEnd(16)}${SIZES_KB.map((kb) => String(row[String(kb)]).padStart(9)).join('')}` +
        `${String(atDefault[kind].us_64k).padStart(13)}${String(atDefault[kind].us_1m).padStart(11)}`,
    );
  }
  console.log(referenceLine(reference));
  console.log(
    JSON.stringify({
      us_per_kb: perKb,
      us_per_comment_at_default_limit: atDefault,
      default_limit_bytes: DEFAULT_MAX_TEXT_BYTES,
      worst_us_per_kb: worstPerKb,
      worst_growth_64k_vs_4k: Math.round(worstGrowth * 100) / 100,
      reference_loop_cpu_ms: reference,
    }),
  );
}

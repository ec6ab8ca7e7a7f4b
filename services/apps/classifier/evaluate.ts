/**
 * Evaluation command: `npm run evaluate -- [files or folders...] [--errors N] [--half even|odd]
 * [--deobfuscation on|off|compare] [--taxonomy auto|none|<name>] [--learning-curve] [--json]`.
 * Reads labelled JSONL (`text` and `label`: a category, or toxic/non_toxic) and prints, per file,
 * accuracy, macro-F1, per-label precision/recall/F1 and the confusion matrix; for toxicity files,
 * precision, recall and F1 of `toxic`. With no path it reads the folder named by OTKLIK_EVAL_DATA; with
 * neither it says so and exits 2 (the labelled data is not part of the repository).
 * `--errors N` also prints N misclassified texts per file, to study on screen: never paste them into
 * the repository. `--half even|odd` keeps only the rows on even or odd positions (0-based), so rules
 * tuned while looking at one half can be checked on the other. `--deobfuscation off` switches the
 * de-obfuscation layer of normalisation off; `--deobfuscation compare` prints toxicity with and without it.
 * `--taxonomy auto` (the default) classifies each file's rows among the categories of its source's
 * routing taxonomy, as the worker does by region and page (evaluation/sources.ts); `none` among all.
 * `--learning-curve` fits the numeric settings on 25/50/100 % of one half and scores the other
 * (evaluation/learning-curve.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CATEGORY_SYMBOLS } from '../../core/contracts/schema-types.generated.js';
import { classify, CLASSIFIER_VERSION } from '../../core/classifier/index.js';
import { learningCurve, printCurve, type Row } from './evaluation/learning-curve.js';
import { EvaluationSources } from './evaluation/sources.js';
import { binary, report, type Report } from './evaluation/metrics.js';

interface Options {
  paths: string[];
  errors: number;
  json: boolean;
  half: 'even' | 'odd' | undefined;
  /** on (default), off (the de-obfuscation layer switched off), or compare (both, side by side). */
  deobfuscation: 'on' | 'off' | 'compare';
  /** Fit the numeric settings on 25/50/100 % of one half, score on the other (learning-curve.ts). */
  learningCurve: boolean;
  /** auto (each file's source), none (all categories) or a taxonomy's name. */
  taxonomy: string;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    paths: [],
    errors: 0,
    json: false,
    half: undefined,
    deobfuscation: 'on',
    learningCurve: false,
    taxonomy: 'auto',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--errors') opts.errors = Number(argv[++i] ?? '0');
    else if (a === '--json') opts.json = true;
    else if (a === '--learning-curve') opts.learningCurve = true;
    else if (a === '--taxonomy') opts.taxonomy = argv[++i] ?? '';
    else if (a === '--half') {
      const h = argv[++i];
      if (h !== 'even' && h !== 'odd') throw new Error('EVALUATE_BAD_ARGS: --half takes even or odd');
      opts.half = h;
    } else if (a === '--deobfuscation') {
      const d = argv[++i];
      if (d !== 'on' && d !== 'off' && d !== 'compare')
        throw new Error('EVALUATE_BAD_ARGS: --deobfuscation takes on, off or compare');
      opts.deobfuscation = d;
    } else if (a.startsWith('--')) throw new Error(`EVALUATE_BAD_ARGS: unknown option ${a}`);
    else opts.paths.push(a);
  }
  if (opts.paths.length === 0) {
    const folder = process.env.OTKLIK_EVAL_DATA;
    if (!folder) {
      throw new Error(
        'EVALUATE_NO_DATA: name labelled JSONL files or folders as arguments, or set OTKLIK_EVAL_DATA to a folder of them',
      );
    }
    opts.paths.push(folder);
  }
  return opts;
}

function filesOf(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) if (f.endsWith('.jsonl')) out.push(join(p, f));
    } else out.push(p);
  }
  return out;
}

function readRows(file: string, sources: EvaluationSources): Row[] {
  const rows: Row[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const o = JSON.parse(line) as { text?: unknown; label?: unknown; region?: unknown; page_id?: unknown };
    if (typeof o.text !== 'string' || typeof o.label !== 'string') {
      throw new Error(`EVALUATE_BAD_ROW: ${file}:${i + 1} needs string "text" and "label"`);
    }
    rows.push({ text: o.text, label: o.label, taxonomy: sources.taxonomyOf(file, o) });
  });
  return rows;
}

const pct = (x: number): string => x.toFixed(3);
const short = (l: string): string => l.slice(0, 6);

/** Labels predicted but absent from the gold file: each adds a zero to the scikit-learn macro-F1. */
function strayLabels(r: Report): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of r.perLabel) if (s.support === 0 && s.predicted > 0) out[s.label] = s.predicted;
  return out;
}

/** The taxonomies the rows were classified under, with their row counts ("spb-gorod (738 rows)"). */
function taxonomiesUsed(rows: readonly Row[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const name = r.taxonomy?.name ?? 'none (all categories)';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => `${name} (${n} rows)`).join(', ');
}

function printCategoryReport(r: Report): void {
  console.log(
    `  accuracy ${pct(r.accuracy)}   macro-F1 ${pct(r.macroF1)} (scikit-learn: labels in gold or predicted)   macro-F1 over gold labels ${pct(r.macroF1GoldLabels)}`,
  );
  const stray = Object.entries(strayLabels(r));
  console.log(
    `  predicted labels absent from gold: ${stray.length === 0 ? 'none' : stray.map(([l, n]) => `${l} ${n}`).join(', ')}`,
  );
  console.log('  label               precision  recall     F1  support  predicted');
  for (const s of r.perLabel) {
    console.log(
      `  ${s.label.padEnd(18)} ${pct(s.precision).padStart(10)} ${pct(s.recall).padStart(7)} ${pct(s.f1).padStart(6)} ${String(s.support).padStart(8)} ${String(s.predicted).padStart(10)}`,
    );
  }
  console.log('  confusion (rows gold, columns predicted):');
  console.log('  ' + ''.padEnd(18) + r.labels.map((l) => short(l).padStart(7)).join(''));
  r.labels.forEach((l, i) => {
    console.log(
      '  ' + l.padEnd(18) + (r.confusion[i] as number[]).map((c) => String(c).padStart(7)).join(''),
    );
  });
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const sources = new EvaluationSources(opts.taxonomy);
  const summary: Record<string, unknown> = { version: CLASSIFIER_VERSION };
  console.log(`classifier ${CLASSIFIER_VERSION}`);
  for (const file of filesOf(opts.paths)) {
    const all = readRows(file, sources);
    const rows =
      opts.half === undefined ? all : all.filter((_, i) => i % 2 === (opts.half === 'even' ? 0 : 1));
    const name = basename(file);
    const isToxicity = rows.every((r) => r.label === 'toxic' || r.label === 'non_toxic');
    const started = performance.now();
    const deobfuscate = opts.deobfuscation !== 'off';
    const results = rows.map((r) => classify({ text: r.text, deobfuscate, taxonomy: r.taxonomy }));
    const ms = performance.now() - started;
    const part = opts.half === undefined ? '' : `, ${opts.half} half`;
    console.log(`\n== ${name}: ${rows.length} rows${part} (${ms.toFixed(0)} ms)`);
    const errors: string[] = [];
    if (isToxicity) {
      const gold = rows.map((r) => r.label === 'toxic');
      const pred = results.map((c) => c.toxic);
      const b = binary(gold, pred);
      console.log(
        `  toxic: precision ${pct(b.precision)}  recall ${pct(b.recall)}  F1 ${pct(b.f1)}   accuracy ${pct(b.accuracy)}`,
      );
      summary[name] = { task: 'toxicity', ...b };
      if (opts.deobfuscation === 'compare') {
        const without = rows.map((r) => classify({ text: r.text, deobfuscate: false }).toxic);
        const w = binary(gold, without);
        const changed = without.filter((p, i) => p !== pred[i]).length;
        console.log(
          `  without the de-obfuscation layer: precision ${pct(w.precision)}  recall ${pct(w.recall)}  F1 ${pct(w.f1)}   (${changed} predictions differ)`,
        );
        summary[name] = { task: 'toxicity', ...b, withoutDeobfuscation: w };
      }
      rows.forEach((r, i) => {
        if (gold[i] !== pred[i])
          errors.push(`  [gold ${r.label}] ${r.text.replace(/\s+/g, ' ').slice(0, 220)}`);
      });
    } else {
      const r = report(
        rows.map((x) => x.label),
        results.map((c) => c.category),
        CATEGORY_SYMBOLS,
      );
      const used = taxonomiesUsed(rows);
      console.log(`  taxonomy: ${used}`);
      printCategoryReport(r);
      summary[name] = {
        task: 'category',
        n: r.n,
        accuracy: r.accuracy,
        macroF1: r.macroF1,
        macroF1GoldLabels: r.macroF1GoldLabels,
        strayLabels: strayLabels(r),
        taxonomy: used,
      };
      rows.forEach((x, i) => {
        const c = results[i];
        if (c !== undefined && c.category !== x.label) {
          const ev = c.evidence
            .filter((e) => e.concern === 'category')
            .map((e) => e.feature)
            .join(', ');
          errors.push(
            `  [gold ${x.label} → ${c.category}] {${ev}} ${x.text.replace(/\s+/g, ' ').slice(0, 220)}`,
          );
        }
      });
    }
    if (opts.learningCurve) {
      const curve = learningCurve(isToxicity ? 'toxicity' : 'category', all);
      printCurve(curve);
      (summary[name] as Record<string, unknown>).learningCurve = curve;
    }
    if (opts.errors > 0) {
      console.log(`  errors (${errors.length}, showing ${Math.min(opts.errors, errors.length)}):`);
      for (const e of errors.slice(0, opts.errors)) console.log(e);
    }
  }
  if (opts.json) console.log(JSON.stringify(summary));
}

try {
  main();
} catch (error) {
  const message = (error as Error).message;
  if (!/^EVALUATE_/.test(message)) throw error;
  process.stderr.write(`evaluate: ${message}\n`);
  process.exitCode = 2;
}

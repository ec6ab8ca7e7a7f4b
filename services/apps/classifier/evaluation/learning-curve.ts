/**
 * A learning curve for a rule-based classifier (`npm run evaluate -- --learning-curve`).
 *
 * The lexicons were written by people reading texts; that reading cannot be replayed on a subset. What
 * can be replayed honestly are the parts fitted to data: the numeric settings (toxicity threshold and
 * weights, the category thresholds and margin). Each is fitted by a grid search on 25 %, 50 % or 100 %
 * of one half of a dev file (rows at even or odd positions, shuffled with a fixed seed; three seeds for
 * the partial fractions, averaged) and scored on the other half, which the fit never sees; then the
 * halves swap roles. If the held-out figure keeps rising with more fitting data the settings still
 * learn; if only the fitted-set figure rises, they memorise. The settings as shipped (chosen by hand)
 * are scored on each held-out half as the reference.
 *
 * It changes the classifier's settings in this process while it runs and restores them at the end.
 */
import { categoryLexicon, toxicityLexicon } from '../../../core/classifier/lexicons.js';
import { classify, type Taxonomy } from '../../../core/classifier/index.js';
import { binary, report } from './metrics.js';

export interface Row {
  text: string;
  label: string;
  /** The routing taxonomy of the row's source (evaluation/sources.ts), when known. */
  taxonomy?: Taxonomy;
}

type Settings = Record<string, number>;
type Task = 'toxicity' | 'category';

const GRIDS: Record<Task, Record<string, readonly number[]>> = {
  toxicity: {
    threshold: [2, 2.5, 3, 3.5],
    aimed: [0.5, 1, 1.5],
    obsceneRoot: [1.5, 2, 2.5],
    masked: [1.5, 2, 2.5],
  },
  category: { minScore: [1, 1.5, 2], specialistMargin: [0.5, 1, 1.5], otherMinScore: [2, 3, 4] },
};

const FRACTIONS = [0.25, 0.5, 1] as const;
const SEEDS = [1, 2, 3] as const;

function target(task: Task): Record<string, unknown> {
  return task === 'toxicity' ? toxicityLexicon : categoryLexicon;
}

function apply(task: Task, settings: Settings): void {
  Object.assign(target(task), settings);
}

function current(task: Task): Settings {
  const t = target(task);
  const out: Settings = {};
  for (const name of Object.keys(GRIDS[task])) out[name] = t[name] as number;
  return out;
}

function gridOf(task: Task): Settings[] {
  let points: Settings[] = [{}];
  for (const [name, values] of Object.entries(GRIDS[task])) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  }
  return points;
}

/** Toxic F1, or category accuracy (ties in the grid go to the first point, in grid order). */
function scoreOf(task: Task, rows: readonly Row[]): number {
  if (task === 'toxicity') {
    return binary(
      rows.map((r) => r.label === 'toxic'),
      rows.map((r) => classify({ text: r.text }).toxic),
    ).f1;
  }
  return report(
    rows.map((r) => r.label),
    rows.map((r) => classify({ text: r.text, taxonomy: r.taxonomy }).category),
  ).accuracy;
}

function fit(task: Task, rows: readonly Row[]): { settings: Settings; score: number } {
  let best: { settings: Settings; score: number } = { settings: {}, score: -1 };
  for (const settings of gridOf(task)) {
    apply(task, settings);
    const score = scoreOf(task, rows);
    if (score > best.score) best = { settings, score };
  }
  return best;
}

/** mulberry32: a small seeded generator, so a subset is the same on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(rows: readonly T[], seed: number): T[] {
  const rnd = seededRandom(seed);
  const out = [...rows];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export interface CurvePoint {
  fittedOn: 'even' | 'odd';
  fraction: number;
  rows: number;
  fitted: number;
  heldOut: number;
  settings: Settings[];
}

export interface Curve {
  task: Task;
  metric: string;
  shipped: Settings;
  /** The settings as shipped, scored on each half. */
  shippedScore: Record<'even' | 'odd', number>;
  points: CurvePoint[];
}

export function learningCurve(task: Task, rows: readonly Row[]): Curve {
  const shipped = current(task);
  const halves = {
    even: rows.filter((_, i) => i % 2 === 0),
    odd: rows.filter((_, i) => i % 2 === 1),
  };
  const curve: Curve = {
    task,
    metric: task === 'toxicity' ? 'toxic F1' : 'accuracy',
    shipped,
    shippedScore: { even: scoreOf(task, halves.even), odd: scoreOf(task, halves.odd) },
    points: [],
  };
  try {
    for (const fittedOn of ['even', 'odd'] as const) {
      const pool = halves[fittedOn];
      const heldOut = halves[fittedOn === 'even' ? 'odd' : 'even'];
      for (const fraction of FRACTIONS) {
        const seeds = fraction === 1 ? [SEEDS[0]] : SEEDS;
        let fitted = 0;
        let held = 0;
        const settings: Settings[] = [];
        for (const seed of seeds) {
          const subset = shuffled(pool, seed).slice(0, Math.round(fraction * pool.length));
          const best = fit(task, subset);
          apply(task, best.settings);
          fitted += best.score;
          held += scoreOf(task, heldOut);
          settings.push(best.settings);
        }
        curve.points.push({
          fittedOn,
          fraction,
          rows: Math.round(fraction * pool.length),
          fitted: fitted / seeds.length,
          heldOut: held / seeds.length,
          settings,
        });
      }
    }
  } finally {
    apply(task, shipped);
  }
  return curve;
}

export function printCurve(curve: Curve): void {
  const f = (x: number): string => x.toFixed(3);
  console.log(
    `  learning curve (${curve.metric}; settings as shipped: even ${f(curve.shippedScore.even)}, odd ${f(curve.shippedScore.odd)})`,
  );
  console.log('  fitted on   share  rows  fitted-set  held-out half  settings chosen');
  for (const p of curve.points) {
    const chosen = p.settings.map((s) => Object.values(s).join('/')).join(' ');
    console.log(
      `  ${p.fittedOn.padEnd(10)} ${`${p.fraction * 100}%`.padStart(5)} ${String(p.rows).padStart(5)} ${f(p.fitted).padStart(11)} ${f(p.heldOut).padStart(14)}  ${chosen}`,
    );
  }
}

/**
 * The board's state as the page shows it, computed from the counters and the board scan. Pure: the
 * same inputs give the same snapshot, so tests need no Redis and the hub can tell when nothing changed.
 */
import type { CounterRow } from '../../core/sla/counters.js';
import type {
  CommentFilter,
  DeadlineScan,
  LifecycleGaugeRow,
  OverdueComment,
} from '../../adapters/redis/reader/sla-reader.js';
import { regionName } from './labels.js';
import type { BoardIncident } from './incident-source.js';

export type Severity = 'ok' | 'warn' | 'high' | 'critical';

export interface BoardCell {
  region: string;
  category: string;
  open: number;
  overdue: number;
  severity: Severity;
}

export interface BoardLine {
  code: string;
  open: number;
  overdue: number;
  severity: Severity;
}

/**
 * Without `lateMs`: it grows with every read, and the hub pushes a snapshot only when its content
 * changed (contentKey); the page computes lateness from dueAt and its own clock.
 */
export interface BoardOverdue extends Omit<OverdueComment, 'lateMs'> {
  regionName: string;
}

/** One deadline's figures: open records, due within the hour, overdue (BREACH claimed or not). */
export interface TargetFigures {
  open: number;
  dueWithinHour: number;
  overdue: number;
}

/**
 * The rest of an appeal's life (issue #16), under the filter: the final answer's deadline (started by the
 * first reply), the next reply's (an appeal reopened, or a citizen writing again), and paused appeals.
 */
export interface LifecycleFigures {
  finalAnswer: TargetFigures;
  nextReply: TargetFigures;
  paused: number;
}

export interface BoardSnapshot {
  /** Redis server time the figures were read at. */
  now: number;
  filter: CommentFilter;
  totals: {
    open: number;
    dueWithinHour: number;
    overdue: number;
    /** False when `overdue` is a lower bound (see DeadlineScan). */
    overdueExact: boolean;
    /** Today (UTC day of the Redis clock): answered in time / answered. */
    complianceToday: number | null;
    answeredInTimeToday: number;
    answeredLateToday: number;
    openedToday: number;
    breachedToday: number;
  };
  /** The final answer, the next reply and pauses; `totals`, the table and its cells are the first reply's. */
  lifecycle: LifecycleFigures;
  /** Rows of the table, worst first. */
  regions: (BoardLine & { name: string })[];
  /** Columns of the table, biggest backlog first. */
  categories: BoardLine[];
  cells: BoardCell[];
  overdue: BoardOverdue[];
  /**
   * True when a read stopped at its cap: due-soon figures are lower bounds (and a filtered list of the
   * oldest overdue may be short). Overdue figures are not: the `overdue` gauges count every comment in
   * the late wheel, and the scan every one outside it, exactly unless `totals.overdueExact` is false.
   */
  partial: boolean;
  /** Open incidents and campaigns of the filter's region and category (docs/incidents.md). */
  incidents: BoardIncident[];
}

export interface SnapshotInput {
  counters: readonly CounterRow[];
  today: readonly CounterRow[];
  scan: DeadlineScan;
  filter: CommentFilter;
  incidents?: readonly BoardIncident[];
  /** The lifecycle's gauges (absent: a store without the SLA policy, all zero). */
  lifecycle?: readonly LifecycleGaugeRow[];
}

/**
 * How alarming a backlog is: critical when a critical-priority comment is overdue or three in ten are
 * overdue, high from one in ten, warn with any overdue comment.
 */
export function severityOf(open: number, overdue: number, criticalOverdue: number): Severity {
  if (overdue <= 0) return 'ok';
  const ratio = open > 0 ? overdue / open : 1;
  if (criticalOverdue > 0 || ratio >= 0.3) return 'critical';
  if (ratio >= 0.1) return 'high';
  return 'warn';
}

function matches(
  filter: CommentFilter,
  row: { region: string; category: string; priority: string },
): boolean {
  return (
    (!filter.region || row.region === filter.region) &&
    (!filter.category || row.category === filter.category) &&
    (!filter.priority || row.priority === filter.priority)
  );
}

interface Tally {
  open: number;
  overdue: number;
  criticalOverdue: number;
}

function tally(map: Map<string, Tally>, key: string): Tally {
  let t = map.get(key);
  if (!t) map.set(key, (t = { open: 0, overdue: 0, criticalOverdue: 0 }));
  return t;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 3, high: 2, warn: 1, ok: 0 };

/** Most severe first, then most overdue, then biggest backlog. */
const worstFirst = (a: BoardLine, b: BoardLine) =>
  SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
  b.overdue - a.overdue ||
  b.open - a.open ||
  a.code.localeCompare(b.code);

export function buildSnapshot(input: SnapshotInput): BoardSnapshot {
  const { filter, scan } = input;
  const cells = new Map<string, Tally>();
  const regions = new Map<string, Tally>();
  const categories = new Map<string, Tally>();
  let open = 0;
  let overdue = 0;
  let dueWithinHour = 0;
  const each = (region: string, category: string, apply: (t: Tally) => void) => {
    apply(tally(cells, `${region}|${category}`));
    apply(tally(regions, region));
    apply(tally(categories, category));
  };
  const addOverdue = (row: { region: string; category: string; priority: string }, count: number) => {
    overdue += count;
    each(row.region, row.category, (t) => {
      t.overdue += count;
      if (row.priority === 'critical') t.criticalOverdue += count;
    });
  };
  // Overdue per cell = the `overdue` gauge (every comment in the late wheel: its BREACH was claimed)
  // + the overdue comments the sweepers have not claimed yet, which the scan finds in the due wheel.
  for (const row of input.counters) {
    if (row.value === 0 || !matches(filter, row)) continue;
    if (row.metric === 'open') {
      open += row.value;
      each(row.region, row.category, (t) => (t.open += row.value));
    } else if (row.metric === 'overdue') {
      addOverdue(row, row.value);
    }
  }
  for (const cell of scan.cells) {
    if (cell.target !== 'FIRST_REPLY' || !matches(filter, cell)) continue;
    dueWithinHour += cell.dueSoon;
    if (cell.overdueUnclaimed > 0) addOverdue(cell, cell.overdueUnclaimed);
  }
  const lifecycle = lifecycleOf(input);
  const otherOverdue = lifecycle.finalAnswer.overdue + lifecycle.nextReply.overdue;
  const today = { answered_in_time: 0, answered_late: 0, opened: 0, breached: 0 };
  for (const row of input.today) {
    if (row.metric in today && matches(filter, row)) today[row.metric as keyof typeof today] += row.value;
  }
  const filtered = Boolean(filter.region || filter.category || filter.priority);
  const answeredToday = today.answered_in_time + today.answered_late;
  const line = (code: string, t: Tally): BoardLine => ({
    code,
    open: t.open,
    overdue: t.overdue,
    severity: severityOf(t.open, t.overdue, t.criticalOverdue),
  });
  const nonEmpty = ([, t]: [string, Tally]) => t.open > 0 || t.overdue > 0;
  return {
    now: scan.now,
    filter,
    totals: {
      open,
      dueWithinHour,
      // Unfiltered, the late wheels' sizes (read by the scan itself) give every overdue record, less the
      // other targets' (their gauges and unclaimed ones); filtered, the cells' gauges and unclaimed ones.
      // Both are exact unless the sweepers are far behind.
      overdue: filtered ? overdue : Math.max(0, scan.overdueTotal - otherOverdue),
      overdueExact: scan.overdueTotalExact,
      complianceToday: answeredToday ? today.answered_in_time / answeredToday : null,
      answeredInTimeToday: today.answered_in_time,
      answeredLateToday: today.answered_late,
      openedToday: today.opened,
      breachedToday: today.breached,
    },
    lifecycle,
    regions: [...regions]
      .filter(nonEmpty)
      .map(([code, t]) => ({ ...line(code, t), name: regionName(code) }))
      .sort(worstFirst),
    categories: [...categories]
      .filter(nonEmpty)
      .map(([code, t]) => line(code, t))
      .sort(worstFirst),
    cells: [...cells].filter(nonEmpty).map(([key, t]): BoardCell => {
      const [region = '', category = ''] = key.split('|');
      const { open: cellOpen, overdue: cellOverdue, severity } = line(key, t);
      return { region, category, open: cellOpen, overdue: cellOverdue, severity };
    }),
    overdue: scan.overdue.map(({ lateMs: _lateMs, ...item }) => ({
      ...item,
      regionName: regionName(item.region),
    })),
    partial: scan.truncated,
    incidents: (input.incidents ?? []).filter(
      (i) =>
        (!filter.region || i.region === filter.region) &&
        (!filter.category || i.category === filter.category),
    ),
  };
}

const TARGET_OF_GAUGE = { final: 'finalAnswer', next: 'nextReply' } as const;

/** The final answer's and the next reply's figures (gauges + the scan's cells) and paused appeals. */
function lifecycleOf(input: SnapshotInput): LifecycleFigures {
  const { filter, scan } = input;
  const figures = (): TargetFigures => ({ open: 0, dueWithinHour: 0, overdue: 0 });
  const out: LifecycleFigures = { finalAnswer: figures(), nextReply: figures(), paused: 0 };
  for (const row of input.lifecycle ?? []) {
    if (row.value === 0 || !matches(filter, row)) continue;
    if (row.metric === 'paused') {
      out.paused += row.value;
      continue;
    }
    const [target, gauge] = row.metric.split('_') as ['final' | 'next', 'open' | 'overdue'];
    out[TARGET_OF_GAUGE[target]][gauge] += row.value;
  }
  for (const cell of scan.cells) {
    if (cell.target === 'FIRST_REPLY' || !matches(filter, cell)) continue;
    const t = out[cell.target === 'FINAL_ANSWER' ? 'finalAnswer' : 'nextReply'];
    t.dueWithinHour += cell.dueSoon;
    t.overdue += cell.overdueUnclaimed;
  }
  return out;
}

/** The snapshot without its clock, to tell whether anything a browser shows has changed. */
export function contentKey(snapshot: BoardSnapshot): string {
  const { now: _now, ...content } = snapshot;
  return JSON.stringify(content);
}

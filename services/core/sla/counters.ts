/**
 * The SLA counters Redis keeps per shard (see services/adapters/redis/lua/_README.md). `open` and
 * `overdue` are gauges (open comments; open comments in the late wheel, i.e. whose BREACH was claimed),
 * the others only grow.
 */
export const COUNTER_METRICS = [
  'opened',
  'open',
  'overdue',
  'warned',
  'breached',
  'escalated',
  'answered_in_time',
  'answered_late',
  'cancelled',
  'not_actionable',
] as const;
export type CounterMetric = (typeof COUNTER_METRICS)[number];

export interface CounterRow {
  metric: CounterMetric;
  region: string;
  category: string;
  priority: string;
  value: number;
}

export type CounterTotals = Record<CounterMetric, number>;

const METRICS = new Set<string>(COUNTER_METRICS);

/** Parses and sums the `cnt` hashes of all shards into one row per (metric, region, category, priority). */
export function sumCounterHashes(hashes: readonly Record<string, string>[]): CounterRow[] {
  const sums = new Map<string, CounterRow>();
  for (const hash of hashes) {
    for (const [field, raw] of Object.entries(hash)) {
      const [metric, region, category, priority] = field.split('|');
      if (!metric || !METRICS.has(metric) || region === undefined || !category || !priority) continue;
      const row = sums.get(field) ?? {
        metric: metric as CounterMetric,
        region,
        category,
        priority,
        value: 0,
      };
      row.value += Number(raw);
      sums.set(field, row);
    }
  }
  return [...sums.values()];
}

export function totalsOf(
  rows: readonly CounterRow[],
  filter: Partial<Omit<CounterRow, 'metric' | 'value'>> = {},
): CounterTotals {
  const totals = emptyTotals();
  for (const row of rows) {
    if (filter.region && row.region !== filter.region) continue;
    if (filter.category && row.category !== filter.category) continue;
    if (filter.priority && row.priority !== filter.priority) continue;
    totals[row.metric] += row.value;
  }
  return totals;
}

/** Share of answered comments that were answered in time; null before anything was answered. */
export function complianceOf(totals: CounterTotals): number | null {
  const answered = totals.answered_in_time + totals.answered_late;
  return answered === 0 ? null : totals.answered_in_time / answered;
}

export type CounterDimension = 'region' | 'category' | 'priority';

/** Totals per value of one dimension (e.g. per region), each with every metric. */
export function breakdownBy(
  rows: readonly CounterRow[],
  dimension: CounterDimension,
): Record<string, CounterTotals> {
  const out: Record<string, CounterTotals> = {};
  for (const row of rows) {
    const totals = (out[row[dimension]] ??= emptyTotals());
    totals[row.metric] += row.value;
  }
  return out;
}

export function emptyTotals(): CounterTotals {
  return Object.fromEntries(COUNTER_METRICS.map((m) => [m, 0])) as CounterTotals;
}

/** Epoch day (UTC) of a time in ms, as the scripts name daily buckets. */
export function epochDayOf(ms: number): number {
  return Math.floor(ms / 86_400_000);
}

/**
 * Parses and sums the daily fields (`<epoch day>|<metric>|<region>|<category>|<priority>`) of one day,
 * given one hash per shard. Fields of other days are skipped.
 */
export function sumDailyHashes(hashes: readonly Record<string, string>[], epochDay: number): CounterRow[] {
  const prefix = `${epochDay}|`;
  return sumCounterHashes(
    hashes.map((hash) =>
      Object.fromEntries(
        Object.entries(hash)
          .filter(([field]) => field.startsWith(prefix))
          .map(([field, value]) => [field.slice(prefix.length), value]),
      ),
    ),
  );
}

/** Upper bounds (minutes) of the response-time buckets; the last bucket has no bound. */
export const RESPONSE_BOUNDS_MIN = [15, 30, 60, 120, 240, 480, 1440] as const;

export interface ResponseHistogram {
  /** Non-cumulative buckets: `leMinutes` null is the overflow bucket. */
  buckets: { leMinutes: number | null; count: number }[];
  count: number;
  sumMs: number;
}

/** First-reply times (reply posted_at - comment posted_at) per priority, from the `cnt` hashes. */
export function responseHistogramsOf(
  hashes: readonly Record<string, string>[],
): Record<string, ResponseHistogram> {
  const out: Record<string, ResponseHistogram> = {};
  const histogram = (priority: string) =>
    (out[priority] ??= {
      buckets: [...RESPONSE_BOUNDS_MIN, null].map((leMinutes) => ({ leMinutes, count: 0 })),
      count: 0,
      sumMs: 0,
    });
  for (const hash of hashes) {
    for (const [field, raw] of Object.entries(hash)) {
      const [name, priority, bound] = field.split('|');
      if (!priority) continue;
      if (name === 'rt_sum_ms') histogram(priority).sumMs += Number(raw);
      if (name !== 'rt' || bound === undefined) continue;
      const h = histogram(priority);
      const bucket = h.buckets.find((b) =>
        b.leMinutes === null ? bound === 'inf' : String(b.leMinutes) === bound,
      );
      if (!bucket) continue;
      bucket.count += Number(raw);
      h.count += Number(raw);
    }
  }
  return out;
}

/** Answered in time / answered, with the counts it comes from. */
export interface Compliance {
  answeredInTime: number;
  answeredLate: number;
  /** null before anything was answered. */
  ratio: number | null;
}

export function complianceFrom(totals: CounterTotals): Compliance {
  return {
    answeredInTime: totals.answered_in_time,
    answeredLate: totals.answered_late,
    ratio: complianceOf(totals),
  };
}

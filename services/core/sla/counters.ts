/** The SLA counters Redis keeps per shard (see services/adapters/redis/lua/_README.md). */
export const COUNTER_METRICS = [
  'opened',
  'open',
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
) {
  const totals = Object.fromEntries(COUNTER_METRICS.map((m) => [m, 0])) as CounterTotals;
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

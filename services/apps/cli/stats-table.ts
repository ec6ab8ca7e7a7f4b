import {
  COUNTER_METRICS,
  complianceOf,
  type CounterMetric,
  type CounterRow,
  type CounterTotals,
} from '../../core/sla/counters.js';

export const DIMENSIONS = ['region', 'category', 'priority'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface StatsGroup {
  /** The group's value per dimension, in the order asked. */
  key: Partial<Record<Dimension, string>>;
  totals: CounterTotals;
  /** answered in time / answered; null before anything was answered. */
  compliance: number | null;
}

export interface StatsFilter {
  region?: string;
  category?: string;
  priority?: string;
}

function emptyTotals(): CounterTotals {
  return Object.fromEntries(COUNTER_METRICS.map((m) => [m, 0])) as CounterTotals;
}

/** Sums counter rows per group of the chosen dimensions; the biggest backlog (open) first. */
export function groupCounters(
  rows: readonly CounterRow[],
  by: readonly Dimension[],
  filter: StatsFilter = {},
) {
  const groups = new Map<string, StatsGroup>();
  const total: StatsGroup = { key: {}, totals: emptyTotals(), compliance: null };
  for (const row of rows) {
    if (filter.region && row.region !== filter.region) continue;
    if (filter.category && row.category !== filter.category) continue;
    if (filter.priority && row.priority !== filter.priority) continue;
    const key = Object.fromEntries(by.map((d) => [d, row[d]])) as StatsGroup['key'];
    const id = by.map((d) => row[d]).join('|');
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { key, totals: emptyTotals(), compliance: null }));
    group.totals[row.metric as CounterMetric] += row.value;
    total.totals[row.metric as CounterMetric] += row.value;
  }
  const list = [...groups.values()];
  for (const g of [...list, total]) g.compliance = complianceOf(g.totals);
  list.sort(
    (a, b) =>
      b.totals.open - a.totals.open ||
      b.totals.opened - a.totals.opened ||
      by
        .map((d) => a.key[d] ?? '')
        .join('|')
        .localeCompare(by.map((d) => b.key[d] ?? '').join('|')),
  );
  return { groups: list, total };
}

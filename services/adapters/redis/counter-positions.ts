/**
 * Fixed positions of the SLA counters in Redis strings (layout v2; lua/includes/counters.lua computes
 * the same, test/integration/adapters/redis/lua-tables.test.ts checks both sides). A script adds a
 * call's summed deltas with one BITFIELD per string instead of one HINCRBY per field:
 *
 * - totals `<tag>:cnt:b`: signed 64-bit big-endian counters, metric m (COUNTER_METRICS order) of
 *   dimension d at m * DIM_SLOTS + d, except `open`, whose slot holds open - opened (layout v3: an open
 *   writes `opened` alone, a close or a comment answered before it arrived takes one off the slot), so
 *   the gauge is read as opened + that slot; the response-time histogram after them, at
 *   RT_BASE + priority * 9 + bucket (buckets of RESPONSE_BOUNDS_MIN then 'inf'; 8 = the sum in ms);
 * - a day's `<tag>:daily:<epoch day>`: signed 32-bit counters, daily metric m (DAILY_METRICS order) at
 *   m * DIM_SLOTS + d.
 *
 * A dimension is (region, category, priority) with region '01'..'89', a category of the schema and a
 * priority: d = (region - 1) * 44 + category index * 4 + priority index (3,916 of DIM_SLOTS). A value
 * without a position (another region text, a category added to the schema later) is counted in the
 * `cnt` / `daily` hash fields of layout v1 instead, and readers add both: so are the fields a keyspace
 * migrated from v1 kept.
 */
import { CATEGORY_SYMBOLS, PRIORITY_SYMBOLS } from '../../core/contracts/schema-types.generated.js';
import { COUNTER_METRICS, RESPONSE_BOUNDS_MIN } from '../../core/sla/counters.js';

export const DIM_SLOTS = 4096;
export const REGION_COUNT = 89;
/** Metrics with a daily bucket (the gauges `open` and `overdue` have none). */
export const DAILY_METRICS = COUNTER_METRICS.filter((m) => m !== 'open' && m !== 'overdue');
export const RT_BASE = COUNTER_METRICS.length * DIM_SLOTS;
export const RT_SLOTS = RESPONSE_BOUNDS_MIN.length + 2;
const OPENED = COUNTER_METRICS.indexOf('opened');
const OPEN = COUNTER_METRICS.indexOf('open');
if (OPENED !== 0 || OPEN !== 1) throw new Error('counter-positions: opened and open must be metrics 0 and 1');
const RT_BUCKETS = [...RESPONSE_BOUNDS_MIN.map(String), 'inf'];

const CATEGORY_INDEX = new Map<string, number>(CATEGORY_SYMBOLS.map((c, i) => [c, i]));
const PRIORITY_INDEX = new Map<string, number>(PRIORITY_SYMBOLS.map((p, i) => [p, i]));

/** The position of a dimension, or null when it has none (counted in the hash fields instead). */
export function dimensionPosition(region: string, category: string, priority: string): number | null {
  if (!/^(0[1-9]|[1-8][0-9])$/.test(region)) return null;
  const c = CATEGORY_INDEX.get(category);
  const p = PRIORITY_INDEX.get(priority);
  if (c === undefined || p === undefined) return null;
  return (Number(region) - 1) * 44 + c * 4 + p;
}

/** Every dimension with a position, by position. */
const DIMENSIONS: string[] = (() => {
  const out: string[] = [];
  for (let r = 1; r <= REGION_COUNT; r++) {
    for (const category of CATEGORY_SYMBOLS) {
      for (const priority of PRIORITY_SYMBOLS) {
        const region = String(r).padStart(2, '0');
        out[dimensionPosition(region, category, priority) as number] = `${region}|${category}|${priority}`;
      }
    }
  }
  return out;
})();

/**
 * The fields of the `cnt` hash (`<metric>|<dim>`, `rt|<priority>|<bound>`, `rt_sum_ms|<priority>`) that
 * a totals string holds, added into `into` (which holds the hash's own fields): one counter form for
 * the readers (core/sla/counters.ts).
 */
export function addTotalsString(into: Record<string, string>, bits: Buffer | null): Record<string, string> {
  if (!bits) return into;
  const add = (field: string, value: bigint) => {
    if (value !== 0n) into[field] = String(Number(into[field] ?? 0) + Number(value));
  };
  addMetricSlice(into, bits.subarray(0, Math.min(bits.length >> 3, RT_BASE) * 8), 0);
  for (let p = 0; p < PRIORITY_SYMBOLS.length; p++) {
    for (let b = 0; b < RT_SLOTS; b++) {
      const pos = RT_BASE + p * RT_SLOTS + b;
      if ((pos + 1) * 8 > bits.length) return into;
      const value = bits.readBigInt64BE(pos * 8);
      const priority = PRIORITY_SYMBOLS[p] as string;
      add(b < RT_BUCKETS.length ? `rt|${priority}|${RT_BUCKETS[b]}` : `rt_sum_ms|${priority}`, value);
    }
  }
  return into;
}

/**
 * The `<metric>|<dim>` fields of one metric range of a totals string read with GETRANGE from byte
 * `firstMetric * DIM_SLOTS * 8` (whole metrics), added into `into`. `open` is derived: opened + its slot,
 * so a range with `open` starts at `opened` (metric 0); `opened` itself is left out unless `withOpened`
 * (the gauges' read takes it only to derive `open`).
 */
export function addMetricSlice(
  into: Record<string, string>,
  slice: Buffer,
  firstMetric: number,
  withOpened = true,
): Record<string, string> {
  const add = (field: string, value: number) => {
    if (value !== 0) into[field] = String(Number(into[field] ?? 0) + value);
  };
  const at = (i: number) => ((i + 1) * 8 <= slice.length ? Number(slice.readBigInt64BE(i * 8)) : 0);
  let from = 0;
  if (firstMetric === OPENED) {
    // A string is only as long as its highest position written: the open slot may be missing.
    for (let d = 0; d < DIM_SLOTS; d++) {
      const dim = DIMENSIONS[d];
      if (!dim) continue;
      const opened = at(d);
      if (withOpened) add(`opened|${dim}`, opened);
      add(`open|${dim}`, opened + at(DIM_SLOTS + d));
    }
    from = 2 * DIM_SLOTS;
  } else if (firstMetric <= OPEN) {
    throw new Error('addMetricSlice: open is derived from opened, so a slice with it starts at opened');
  }
  const count = slice.length >> 3;
  for (let i = from; i < count; i++) {
    const metric = COUNTER_METRICS[firstMetric + Math.floor(i / DIM_SLOTS)];
    const dim = DIMENSIONS[i % DIM_SLOTS];
    if (dim && metric) add(`${metric}|${dim}`, at(i));
  }
  return into;
}

/** The `<metric>|<dim>` fields a day's string holds (DAILY_METRICS, 32-bit), added into `into`. */
export function addDayString(into: Record<string, string>, bits: Buffer | null): Record<string, string> {
  if (!bits) return into;
  for (let pos = 0; (pos + 1) * 4 <= bits.length; pos++) {
    const value = bits.readInt32BE(pos * 4);
    if (value === 0) continue;
    const dim = DIMENSIONS[pos % DIM_SLOTS];
    const metric = DAILY_METRICS[Math.floor(pos / DIM_SLOTS)];
    if (dim && metric) {
      const field = `${metric}|${dim}`;
      into[field] = String(Number(into[field] ?? 0) + value);
    }
  }
  return into;
}

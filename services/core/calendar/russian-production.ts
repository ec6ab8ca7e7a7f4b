import ru2026 from './data/ru-production-2026.json' with { type: 'json' };
import ru2027 from './data/ru-production-2027.json' with { type: 'json' };
import { deriveProductionYear } from './labour-code.js';
import { productionYearSchema, type ProductionYear } from './production-year.js';

/** Years shipped as data, validated when the module loads so a bad edit fails at start, not mid-stream. */
export const SHIPPED_PRODUCTION_YEARS: readonly ProductionYear[] = [ru2026, ru2027].map((raw) =>
  productionYearSchema.parse(raw),
);

/** Years past the shipped data that fall back to the Labour Code alone, so fixed holidays still hold. */
const DERIVED_YEARS_AHEAD = 3;

export interface ProductionCalendarDates {
  /** Local dates that do not work although a weekday: holidays and days off (weekend holidays too). */
  readonly holidays: readonly string[];
  /** Weekend dates that work. */
  readonly workingWeekends: readonly string[];
  /** Pre-holiday days, one hour shorter; informational. */
  readonly shortDays: readonly string[];
  /** Which years are covered and whether each comes from the decree or was derived. */
  readonly years: ReadonlyArray<{ year: number; source: ProductionYear['source'] }>;
}

/**
 * The Russian production calendar: the shipped years, then a few years derived from the Labour Code so a
 * worker left running past the data still keeps the fixed holidays. Check `years` for derived ones.
 */
export function russianProductionCalendar(): ProductionCalendarDates {
  cached ??= buildProductionCalendar();
  return cached;
}

let cached: ProductionCalendarDates | undefined;

function buildProductionCalendar(): ProductionCalendarDates {
  const shipped = [...SHIPPED_PRODUCTION_YEARS].sort((a, b) => a.year - b.year);
  const lastShipped = shipped[shipped.length - 1]?.year ?? new Date().getUTCFullYear();
  const derived = Array.from({ length: DERIVED_YEARS_AHEAD }, (_, i) =>
    deriveProductionYear(lastShipped + 1 + i),
  );
  const all = [...shipped, ...derived];
  return Object.freeze({
    holidays: all.flatMap((y) => [...y.holidays.map((h) => h.date), ...y.daysOff.map((d) => d.date)]),
    workingWeekends: all.flatMap((y) => y.workingWeekends.map((w) => w.date)),
    shortDays: all.flatMap((y) => y.shortDays),
    years: all.map((y) => ({ year: y.year, source: y.source })),
  });
}

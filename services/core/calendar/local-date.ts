/**
 * Calendar dates as day numbers (days since 1970-01-01), independent of any zone: arithmetic on them never
 * meets a DST jump or an offset change.
 */

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export type DayNumber = number;

export function dayNumberOf(year: number, month: number, day: number): DayNumber {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/** Parses "YYYY-MM-DD"; undefined when malformed or not a real date (2026-02-30). */
export function parseIsoDate(text: string): DayNumber | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const dn = dayNumberOf(year, month, day);
  return isoDateOf(dn) === text ? dn : undefined;
}

export function isoDateOf(dn: DayNumber): string {
  return new Date(dn * MS_PER_DAY).toISOString().slice(0, 10);
}

export function partsOf(dn: DayNumber): { year: number; month: number; day: number } {
  const date = new Date(dn * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** 0 = Monday … 6 = Sunday (ISO order, the order of WEEKDAYS). */
export function isoWeekdayIndex(dn: DayNumber): number {
  // 1970-01-01 was a Thursday (index 3).
  return (((dn + 3) % 7) + 7) % 7;
}

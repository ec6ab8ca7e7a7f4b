import { describe, expect, it } from 'vitest';
import ru2026 from '../../../../services/core/calendar/data/ru-production-2026.json' with { type: 'json' };
import ru2027 from '../../../../services/core/calendar/data/ru-production-2027.json' with { type: 'json' };
import {
  deriveProductionYear,
  productionYearSchema,
  russianProductionCalendar,
  SHIPPED_PRODUCTION_YEARS,
  type ProductionYear,
} from '../../../../services/core/calendar/index.js';

const dates = (entries: ReadonlyArray<{ date: string }>) => entries.map((e) => e.date);

/** Working days of a five-day week in a production year. */
function workingDays(year: ProductionYear): number {
  const off = new Set([...dates(year.holidays), ...dates(year.daysOff)]);
  const working = new Set(dates(year.workingWeekends));
  let count = 0;
  for (let d = Date.UTC(year.year, 0, 1); d < Date.UTC(year.year + 1, 0, 1); d += 86_400_000) {
    const date = new Date(d);
    const iso = date.toISOString().slice(0, 10);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    if (working.has(iso) || (!weekend && !off.has(iso))) count++;
  }
  return count;
}

describe('Russian production calendar 2026 (decree No. 1466 of 24 September 2025)', () => {
  const year = productionYearSchema.parse(ru2026);

  it('is marked as taken from the decree', () => {
    expect(year.source).toBe('decree');
    expect(year.sourceDetail).toMatch(/1466/);
  });

  it('has the art. 112 holidays, the Labour Code transfers and the two decree transfers', () => {
    expect(dates(year.holidays)).toHaveLength(14);
    expect(dates(year.daysOff)).toEqual(['2026-01-09', '2026-03-09', '2026-05-11', '2026-12-31']);
    expect(year.workingWeekends).toEqual([]);
  });

  it('gives 247 working days and 1972 hours on a 40-hour week', () => {
    expect(workingDays(year)).toBe(247);
    expect(workingDays(year) * 8 - year.shortDays.length).toBe(1972);
    expect(year.shortDays).toEqual(['2026-04-30', '2026-05-08', '2026-06-11', '2026-11-03']);
  });

  it('differs from the Labour Code derivation only by what the decree decided', () => {
    const derived = deriveProductionYear(2026);
    expect(year.holidays).toEqual(derived.holidays);
    expect(dates(year.daysOff).filter((d) => !['2026-01-09', '2026-12-31'].includes(d))).toEqual(
      dates(derived.daysOff),
    );
    expect(derived.notes?.[0]).toMatch(/2026-01-03, 2026-01-04/);
  });
});

describe('Russian production calendar 2027 (derived)', () => {
  const year = productionYearSchema.parse(ru2027);

  it('says it is derived, not the decree', () => {
    expect(year.source).toBe('derived');
    expect(year.sourceDetail).toMatch(/not the Government decree/);
  });

  it('is exactly the Labour Code derivation', () => {
    expect(year).toEqual(deriveProductionYear(2027));
  });

  it('moves the days off of holidays on weekends to the next working day, except in January', () => {
    // 1 May and 12 June 2027 are Saturdays, 9 May a Sunday; 2 and 3 January fall on the weekend too.
    expect(dates(year.daysOff)).toEqual(['2027-05-03', '2027-05-10', '2027-06-14']);
    expect(year.notes?.[0]).toMatch(/2027-01-02, 2027-01-03/);
    expect(workingDays(year)).toBe(249);
  });
});

describe('Labour Code derivation against past decrees', () => {
  it('2022: May 2 and June 13 off by art. 112 (the decree moved January 1 and 2 elsewhere)', () => {
    expect(dates(deriveProductionYear(2022).daysOff)).toEqual(['2022-05-02', '2022-06-13']);
  });

  it('2023: November 6 off by art. 112; January 7, a Saturday, moves nothing by itself', () => {
    const year = deriveProductionYear(2023);
    expect(dates(year.daysOff)).toEqual(['2023-11-06']);
    expect(year.notes?.[0]).toMatch(/2023-01-01, 2023-01-07, 2023-01-08/);
  });

  it('shortens the working day before a holiday, and the last day of the year', () => {
    expect(deriveProductionYear(2027).shortDays).toEqual([
      '2027-02-22',
      '2027-04-30',
      '2027-06-11',
      '2027-11-03',
      '2027-12-31',
    ]);
  });
});

describe('russianProductionCalendar()', () => {
  it('covers the shipped years from data and the next three derived', () => {
    const calendar = russianProductionCalendar();
    expect(SHIPPED_PRODUCTION_YEARS.map((y) => y.year)).toEqual([2026, 2027]);
    expect(calendar.years).toEqual([
      { year: 2026, source: 'decree' },
      { year: 2027, source: 'derived' },
      { year: 2028, source: 'derived' },
      { year: 2029, source: 'derived' },
      { year: 2030, source: 'derived' },
    ]);
    expect(calendar.holidays).toContain('2026-12-31');
    expect(calendar.holidays).toContain('2028-11-04');
    expect(new Set(calendar.holidays).size).toBe(calendar.holidays.length);
  });
});

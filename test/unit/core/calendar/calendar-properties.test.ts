import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { businessCalendar } from '../../../../services/core/calendar/index.js';
import { HOUR, MINUTE, utc } from './helpers.js';

/**
 * Properties checked against a deliberately naive reference that walks minute by minute, on calendars in
 * DST-less Siberian zones and in DST zones.
 */
// Santiago changes its clocks at midnight, the hardest case for finding a local day's bounds.
const zones = ['Asia/Omsk', 'Asia/Novosibirsk', 'Asia/Irkutsk', 'Europe/Berlin', 'America/Santiago'] as const;
const week = {
  mon: [
    ['08:30', '12:00'],
    ['13:00', '17:30'],
  ],
  tue: [['09:00', '18:00']],
  wed: [
    ['00:00', '03:00'],
    ['22:00', '24:00'],
  ],
  thu: [['09:00', '18:00']],
  fri: [['09:00', '16:45']],
  sat: [['10:00', '14:00']],
} as const;
const holidays = ['2026-03-09', '2026-03-31', '2026-10-28'];
const workingWeekends = ['2026-03-29'];

function isWorkingMinute(zone: string, ms: number): boolean {
  const local = DateTime.fromMillis(ms, { zone });
  const date = local.toISODate()!;
  const key = (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const)[local.weekday - 1]!;
  let periods: readonly (readonly [string, string])[] =
    (week as Record<string, readonly (readonly [string, string])[]>)[key] ?? [];
  if (holidays.includes(date)) periods = [];
  else if (periods.length === 0 && workingWeekends.includes(date)) periods = week.mon;
  const minute = local.hour * 60 + local.minute;
  return periods.some(([s, e]) => {
    const [sh, sm] = s.split(':').map(Number) as [number, number];
    const [eh, em] = e.split(':').map(Number) as [number, number];
    return minute >= sh * 60 + sm && minute < eh * 60 + em;
  });
}

function naiveBetween(zone: string, a: number, b: number): number {
  let total = 0;
  for (let t = a; t < b; t += MINUTE) if (isWorkingMinute(zone, t)) total += MINUTE;
  return total;
}

// Minute-aligned instants around the DST changes of 2026 and some ordinary weeks.
const instant = fc
  .constantFrom(
    utc('2026-03-05T00:00'),
    utc('2026-03-27T00:00'),
    utc('2026-10-22T00:00'),
    utc('2026-11-26T00:00'),
    utc('2026-04-02T00:00'), // Santiago falls back at midnight on 5 April
    utc('2026-09-03T00:00'), // and springs forward at midnight on 6 September
  )
  .chain((base) => fc.integer({ min: 0, max: 7 * 24 * 60 }).map((minutes) => base + minutes * MINUTE));

describe('calendar properties', () => {
  it('workingTimeBetween agrees with a minute-by-minute count', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        instant,
        fc.integer({ min: 0, max: 36 * 60 }),
        (zone, a, span) => {
          const calendar = businessCalendar({ zone, week, holidays, workingWeekends });
          const b = a + span * MINUTE;
          expect(calendar.workingTimeBetween(a, b)).toBe(naiveBetween(zone, a, b));
        },
      ),
      { numRuns: 20 },
    );
  });

  it('addWorkingTime is the earliest instant with that much working time behind it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        instant,
        fc.integer({ min: 1, max: 30 * 60 }),
        (zone, start, minutes) => {
          const calendar = businessCalendar({ zone, week, holidays, workingWeekends });
          const due = calendar.addWorkingTime(start, minutes * MINUTE);
          expect(calendar.workingTimeBetween(start, due)).toBe(minutes * MINUTE);
          // One minute earlier there was a working minute still to go.
          expect(isWorkingMinute(zone, due - MINUTE)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is additive and monotone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        instant,
        fc.integer({ min: 0, max: 100 * HOUR }),
        fc.integer({ min: 0, max: 100 * HOUR }),
        (zone, start, d1, d2) => {
          const calendar = businessCalendar({ zone, week, holidays, workingWeekends });
          const first = calendar.addWorkingTime(start, d1);
          // Counting d1 then d2 ends where counting d1 + d2 at once does.
          expect(calendar.addWorkingTime(first, d2)).toBe(calendar.addWorkingTime(start, d1 + d2));
          expect(calendar.addWorkingTime(start, d1 + d2)).toBeGreaterThanOrEqual(first);
          const end = start + d1 + d2;
          expect(calendar.workingTimeBetween(start, first) + calendar.workingTimeBetween(first, end)).toBe(
            calendar.workingTimeBetween(start, end),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});

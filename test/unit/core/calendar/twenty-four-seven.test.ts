import { describe, expect, it } from 'vitest';
import { CalendarError, twentyFourSeven } from '../../../../services/core/calendar/index.js';
import { HOUR, iso, utc } from './helpers.js';

describe('24×7 calendar', () => {
  const calendar = twentyFourSeven();

  it('adds plain elapsed time, across midnight UTC and weekends alike', () => {
    expect(iso(calendar.addWorkingTime(utc('2026-11-28T23:30'), HOUR))).toBe('2026-11-29T00:30:00Z');
    expect(iso(calendar.addWorkingTime(utc('2026-12-31T23:00'), 24 * HOUR))).toBe('2027-01-01T23:00:00Z');
  });

  it('measures plain elapsed time, negative backwards', () => {
    expect(calendar.workingTimeBetween(utc('2026-11-27T17:00'), utc('2026-11-30T09:00'))).toBe(64 * HOUR);
    expect(calendar.workingTimeBetween(utc('2026-11-30T09:00'), utc('2026-11-27T17:00'))).toBe(-64 * HOUR);
  });

  it('rejects a negative duration', () => {
    expect(() => calendar.addWorkingTime(0, -1)).toThrow(CalendarError);
  });
});

import { DateTime, IANAZone } from 'luxon';
import { assertDuration, assertInstant } from './arguments.js';
import {
  dayNumberOf,
  isoDateOf,
  isoWeekdayIndex,
  parseIsoDate,
  partsOf,
  type DayNumber,
} from './local-date.js';
import { parseDayPeriods, type MinutePeriod } from './time-of-day.js';
import { CalendarError, WEEKDAYS, type Calendar, type Weekday, type WeekSpec } from './types.js';

export interface BusinessCalendarOptions {
  /** IANA zone whose wall clock the working hours follow, e.g. "Asia/Novosibirsk". */
  zone: string;
  /** Working periods per weekday; a weekday left out does not work. */
  week: WeekSpec;
  /** Local dates ("YYYY-MM-DD") that do not work whatever the weekday: holidays and days off moved onto weekdays. */
  holidays?: Iterable<string>;
  /** Local dates that work although their weekday does not (transferred working Saturdays). */
  workingWeekends?: Iterable<string>;
  /** Whose hours a working weekend keeps; defaults to the first weekday with hours (normally Monday). */
  workingWeekendSchedule?: Weekday;
}

/** An interval [start, end) in epoch ms. */
interface Interval {
  start: number;
  end: number;
}

const MINUTES_PER_DAY = 1440;
/** A calendar with no working time for this long is broken, not merely on holiday. */
const MAX_IDLE_DAYS = 400;
const CACHE_LIMIT = 1024;

function parseDates(what: string, dates: Iterable<string> | undefined): Set<DayNumber> {
  const result = new Set<DayNumber>();
  for (const text of dates ?? []) {
    const dn = parseIsoDate(text);
    if (dn === undefined)
      throw new CalendarError('CALENDAR_INVALID', `${what}: "${text}" is not a YYYY-MM-DD date`);
    result.add(dn);
  }
  return result;
}

/**
 * Opening hours in a zone, with holidays and transferred working days. Periods are local wall-clock times,
 * converted to instants per local date by luxon, so offsets and any DST change are exact. Work proceeds day
 * by day and period by period, never minute by minute.
 */
export function businessCalendar(options: BusinessCalendarOptions): Calendar {
  const { zone } = options;
  if (!IANAZone.isValidZone(zone)) {
    throw new CalendarError('CALENDAR_INVALID', `zone: "${zone}" is not a known IANA time zone`);
  }

  const week = WEEKDAYS.map((day) => parseDayPeriods(`week.${day}`, options.week[day] ?? []));
  const firstWorkingWeekday = week.findIndex((periods) => periods.length > 0);
  if (firstWorkingWeekday < 0) {
    throw new CalendarError('CALENDAR_INVALID', 'week: at least one weekday must have working hours');
  }
  const weekendScheduleIndex = options.workingWeekendSchedule
    ? WEEKDAYS.indexOf(options.workingWeekendSchedule)
    : firstWorkingWeekday;
  const weekendSchedule = week[weekendScheduleIndex] ?? [];
  if (weekendSchedule.length === 0) {
    throw new CalendarError(
      'CALENDAR_INVALID',
      `workingWeekendSchedule: ${options.workingWeekendSchedule} has no working hours`,
    );
  }

  const holidays = parseDates('holidays', options.holidays);
  const workingWeekends = parseDates('workingWeekends', options.workingWeekends);
  for (const dn of workingWeekends) {
    if (holidays.has(dn)) {
      throw new CalendarError(
        'CALENDAR_INVALID',
        `${isoDateOf(dn)} is both in holidays and in workingWeekends`,
      );
    }
  }

  function minutePeriodsOn(dn: DayNumber): readonly MinutePeriod[] {
    if (holidays.has(dn)) return [];
    const usual = week[isoWeekdayIndex(dn)] ?? [];
    if (usual.length === 0 && workingWeekends.has(dn)) return weekendSchedule;
    return usual;
  }

  function instantAt(dn: DayNumber, minuteOfDay: number): number {
    const { year, month, day } = partsOf(dn + Math.floor(minuteOfDay / MINUTES_PER_DAY));
    const minute = minuteOfDay % MINUTES_PER_DAY;
    return DateTime.fromObject(
      { year, month, day, hour: Math.floor(minute / 60), minute: minute % 60 },
      { zone },
    ).toMillis();
  }

  const cache = new Map<DayNumber, readonly Interval[]>();
  function intervalsOn(dn: DayNumber): readonly Interval[] {
    const cached = cache.get(dn);
    if (cached) return cached;
    const intervals: Interval[] = [];
    for (const period of minutePeriodsOn(dn)) {
      const start = instantAt(dn, period.start);
      const end = instantAt(dn, period.end);
      // A period swallowed by a DST gap has no length; skip it rather than count it backwards.
      if (end > start) intervals.push({ start, end });
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(dn, intervals);
    return intervals;
  }

  // Comments arrive roughly in time order, so the last local day looked up usually answers the next call
  // without asking luxon for the zone's offset again.
  let lastDay = { dn: Number.NaN, from: 0, to: 0 };
  function localDayOf(ms: number): DayNumber {
    if (ms >= lastDay.from && ms < lastDay.to) return lastDay.dn;
    const local = DateTime.fromMillis(ms, { zone });
    const dn = dayNumberOf(local.year, local.month, local.day);
    lastDay = { dn, from: instantAt(dn, 0), to: instantAt(dn + 1, 0) };
    return dn;
  }

  function addWorkingTime(startMs: number, durationMs: number): number {
    assertInstant('startMs', startMs);
    assertDuration(durationMs);
    if (durationMs === 0) return startMs;
    let remaining = durationMs;
    let idleDays = 0;
    // A period never crosses local midnight, so nothing before the start's local day can matter.
    for (let dn = localDayOf(startMs); ; dn++) {
      const intervals = intervalsOn(dn);
      idleDays = intervals.length === 0 ? idleDays + 1 : 0;
      if (idleDays > MAX_IDLE_DAYS) {
        throw new CalendarError(
          'CALENDAR_NO_WORKING_TIME',
          `no working time for ${MAX_IDLE_DAYS} days in ${zone}`,
        );
      }
      for (const { start, end } of intervals) {
        if (end <= startMs) continue;
        const from = Math.max(start, startMs);
        const available = end - from;
        if (remaining <= available) return from + remaining;
        remaining -= available;
      }
    }
  }

  function forwardBetween(aMs: number, bMs: number): number {
    let total = 0;
    const lastDay = localDayOf(bMs);
    for (let dn = localDayOf(aMs); dn <= lastDay; dn++) {
      for (const { start, end } of intervalsOn(dn)) {
        const from = Math.max(start, aMs);
        const to = Math.min(end, bMs);
        if (to > from) total += to - from;
      }
    }
    return total;
  }

  function workingTimeBetween(aMs: number, bMs: number): number {
    assertInstant('aMs', aMs);
    assertInstant('bMs', bMs);
    return aMs <= bMs ? forwardBetween(aMs, bMs) : -forwardBetween(bMs, aMs);
  }

  return Object.freeze({ addWorkingTime, workingTimeBetween });
}

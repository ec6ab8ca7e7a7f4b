import { DateTime } from 'luxon';
import {
  businessCalendar,
  russianProductionCalendar,
  type BusinessCalendarOptions,
} from '../../../../services/core/calendar/index.js';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** Epoch ms of a local wall-clock time in a zone: at('2026-11-27T17:00', 'Asia/Novosibirsk'). */
export function at(localIso: string, zone: string): number {
  const dt = DateTime.fromISO(localIso, { zone });
  if (!dt.isValid) throw new Error(`bad test time ${localIso}`);
  return dt.toMillis();
}

export function utc(iso: string): number {
  return at(iso, 'UTC');
}

/** ISO string of an instant in UTC, for readable failures. */
export function iso(ms: number, zone = 'UTC'): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? String(ms);
}

const nineToSix = [['09:00', '18:00']] as const;
export const OFFICE_WEEK: BusinessCalendarOptions['week'] = {
  mon: nineToSix,
  tue: nineToSix,
  wed: nineToSix,
  thu: nineToSix,
  fri: nineToSix,
};

/** Mon–Fri 09:00–18:00 in the zone, with the Russian production calendar. */
export function office(zone: string) {
  const production = russianProductionCalendar();
  return businessCalendar({
    zone,
    week: OFFICE_WEEK,
    holidays: production.holidays,
    workingWeekends: production.workingWeekends,
  });
}

import { CalendarError, type PeriodSpec } from './types.js';

const HH_MM = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** Minutes since local midnight for "HH:MM"; "24:00" is the end of the day. */
export function parseTimeOfDay(text: string): number | undefined {
  const match = HH_MM.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 24 * 60 ? minutes : undefined;
}

export interface MinutePeriod {
  readonly start: number;
  readonly end: number;
}

/** Validates one day's periods: well formed, each start before its end, in order and not overlapping. */
export function parseDayPeriods(where: string, periods: readonly PeriodSpec[]): MinutePeriod[] {
  const parsed: MinutePeriod[] = [];
  for (const [i, period] of periods.entries()) {
    const [startText, endText] = period;
    const start = parseTimeOfDay(startText);
    const end = parseTimeOfDay(endText);
    if (start === undefined || end === undefined) {
      throw new CalendarError('CALENDAR_INVALID', `${where}[${i}]: times must be "HH:MM" (00:00..24:00)`);
    }
    if (start >= end) {
      throw new CalendarError(
        'CALENDAR_INVALID',
        `${where}[${i}]: start ${startText} must be before end ${endText} (a period cannot cross midnight)`,
      );
    }
    const previous = parsed[parsed.length - 1];
    if (previous && start < previous.end) {
      throw new CalendarError(
        'CALENDAR_INVALID',
        `${where}[${i}]: periods must be in order and must not overlap`,
      );
    }
    parsed.push({ start, end });
  }
  return parsed;
}

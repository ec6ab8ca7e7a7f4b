/**
 * Working time in milliseconds. Deadlines are counted in working time of the region's calendar: on 24×7
 * every millisecond counts, on a business calendar only the opening hours do.
 */
export interface Calendar {
  /**
   * The earliest instant at which `durationMs` of working time has elapsed since `startMs`. A start outside
   * working hours counts from the next opening; a duration that runs out exactly at closing time returns the
   * closing time, not the next opening. A zero duration returns `startMs`.
   */
  addWorkingTime(startMs: number, durationMs: number): number;
  /** Working time within [aMs, bMs); negative when bMs < aMs (antisymmetric). */
  workingTimeBetween(aMs: number, bMs: number): number;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A working period of one day as local wall-clock times, "HH:MM" with "24:00" allowed as an end. */
export type PeriodSpec = readonly [start: string, end: string];

export type WeekSpec = Partial<Record<Weekday, readonly PeriodSpec[]>>;

/** Thrown for a calendar that cannot be built or a call it cannot answer; `code` is stable. */
export class CalendarError extends Error {
  constructor(
    readonly code: 'CALENDAR_INVALID' | 'CALENDAR_BAD_ARGUMENT' | 'CALENDAR_NO_WORKING_TIME',
    message: string,
  ) {
    super(message);
    this.name = 'CalendarError';
  }
}

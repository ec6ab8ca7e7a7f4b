import { CalendarError } from './types.js';

export function assertInstant(name: string, ms: number): void {
  if (!Number.isFinite(ms))
    throw new CalendarError('CALENDAR_BAD_ARGUMENT', `${name} must be a finite epoch ms`);
}

export function assertDuration(durationMs: number): void {
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new CalendarError(
      'CALENDAR_BAD_ARGUMENT',
      `durationMs must be a finite number >= 0, got ${durationMs}`,
    );
  }
}

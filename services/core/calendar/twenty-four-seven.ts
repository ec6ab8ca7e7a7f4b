import { assertInstant, assertDuration } from './arguments.js';
import type { Calendar } from './types.js';

const TWENTY_FOUR_SEVEN: Calendar = Object.freeze({
  addWorkingTime(startMs: number, durationMs: number): number {
    assertInstant('startMs', startMs);
    assertDuration(durationMs);
    return startMs + durationMs;
  },
  workingTimeBetween(aMs: number, bMs: number): number {
    assertInstant('aMs', aMs);
    assertInstant('bMs', bMs);
    return bMs - aMs;
  },
});

/** Every millisecond is working time. */
export function twentyFourSeven(): Calendar {
  return TWENTY_FOUR_SEVEN;
}

/**
 * How many messages should have been sent `elapsedMs` after the start at `rate` per second (0 = no
 * limit), capped at `total`. The sender tops up to this count every tick, so short stalls catch up
 * and the average rate holds.
 */
export function dueBy(elapsedMs: number, rate: number, total: number): number {
  if (rate <= 0) return total;
  return Math.min(total, Math.floor((elapsedMs * rate) / 1000) + 1);
}

/** The tick between top-ups: often enough for a smooth rate, rarely enough to batch sends. */
export function tickMs(rate: number): number {
  if (rate <= 0) return 0;
  return Math.max(10, Math.min(200, Math.round(20_000 / rate)));
}

const HOUR_MS = 3_600_000;

interface Rate {
  /** Start of the hour being counted (event time). */
  hour: number;
  count: number;
  /** Hours already folded into `mean`. */
  hours: number;
  mean: number;
  /** The mean as of the previous hour boundaries, newest first (`LAG_HOURS` of them at most). */
  past: number[];
}

/** Boundaries kept behind the current one: the longest scan window's hours, and one more. */
const LAG_HOURS = 7;

/**
 * Each key's usual comments per hour: an EWMA (Roberts 1959) of completed hourly counts in event time.
 * Until `1 / weight` hours are seen it is their plain mean (the bias-corrected start), so a cold replay
 * learns a busy place within its first hours instead of a day.
 *
 * The hours are the stream's, not the key's: a key first counted at the stream's tenth hour had nine
 * empty hours before it. Counting from its own first comment instead made a quiet street's first
 * complaints its whole history, so a burst on a street never named before was compared with itself
 * (the rate of the burst's own first hour) and never stood out.
 */
export class HourlyBaseline {
  private readonly rates = new Map<string, Rate>();
  /** The first hour any key was counted or asked about: the start of every key's history. */
  private startHour: number | null = null;

  constructor(
    private readonly weight: number,
    private readonly priorPerHour: number,
  ) {}

  count(key: string, at: number): void {
    const rate = this.rolled(key, at);
    rate.count++;
  }

  /**
   * The key's usual rate per hour at `at`, never below the prior, learned from the hours completed by
   * `before` (at most `LAG_HOURS` back; default `at`): a test of the window from `before` to `at` compares
   * it with the rate before the window, so a burst's own comments do not raise what it is compared with
   * (the baseline period and the test period kept apart, as surveillance baselines do).
   */
  perHour(key: string, at: number, before = at): number {
    this.startHour ??= Math.floor(at / HOUR_MS) * HOUR_MS;
    return Math.max(this.priorPerHour, this.learnedPerHour(key, at, before));
  }

  /** The rate learned so far (by `before`), without the prior's floor (0 for a key never counted). */
  learnedPerHour(key: string, at: number, before = at): number {
    const rate = this.rates.get(key);
    if (rate === undefined) return 0;
    this.roll(rate, at);
    const boundary = Math.floor(before / HOUR_MS) * HOUR_MS;
    if (boundary >= rate.hour) return rate.mean;
    const back = (rate.hour - boundary) / HOUR_MS - 1;
    if (back < rate.past.length) return rate.past[back] as number;
    // Fewer boundaries kept than asked for: the key was not counted yet then, or the lag is longer than kept.
    return rate.past.length < LAG_HOURS ? 0 : (rate.past[LAG_HOURS - 1] as number);
  }

  get size(): number {
    return this.rates.size;
  }

  private rolled(key: string, at: number): Rate {
    let rate = this.rates.get(key);
    if (rate === undefined) {
      const hour = Math.floor(at / HOUR_MS) * HOUR_MS;
      this.startHour ??= hour;
      // Every hour of the stream before this one was an empty hour of this key.
      const hours = Math.max(0, (hour - this.startHour) / HOUR_MS);
      rate = { hour, count: 0, hours, mean: 0, past: [] };
      this.rates.set(key, rate);
    }
    this.roll(rate, at);
    return rate;
  }

  private roll(rate: Rate, at: number): void {
    const hour = Math.floor(at / HOUR_MS) * HOUR_MS;
    if (hour <= rate.hour) return;
    let elapsed = (hour - rate.hour) / HOUR_MS;
    rate.hour = hour;
    // The counted hour, then the empty ones; past a day of empty hours the mean has decayed anyway.
    let count = rate.count;
    rate.count = 0;
    for (; elapsed > 0 && rate.hours < 10_000; elapsed--) {
      rate.hours++;
      const w = Math.max(this.weight, 1 / rate.hours);
      rate.past.unshift(rate.mean);
      if (rate.past.length > LAG_HOURS) rate.past.length = LAG_HOURS;
      rate.mean += w * (count - rate.mean);
      count = 0;
      if (elapsed > 48) {
        rate.mean *= Math.pow(1 - this.weight, elapsed - 1);
        rate.past = new Array<number>(LAG_HOURS).fill(rate.mean);
        rate.hours += elapsed - 1;
        break;
      }
    }
  }
}

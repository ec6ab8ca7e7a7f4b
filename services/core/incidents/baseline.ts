const HOUR_MS = 3_600_000;

interface Rate {
  /** Start of the hour being counted (event time). */
  hour: number;
  count: number;
  /** Hours already folded into `mean`. */
  hours: number;
  mean: number;
}

/**
 * Each key's usual comments per hour: an EWMA (Roberts 1959) of completed hourly counts in event time.
 * Until `1 / weight` hours are seen it is their plain mean (the bias-corrected start), so a cold replay
 * learns a busy place within its first hours instead of a day.
 */
export class HourlyBaseline {
  private readonly rates = new Map<string, Rate>();

  constructor(
    private readonly weight: number,
    private readonly priorPerHour: number,
  ) {}

  count(key: string, at: number): void {
    const rate = this.rolled(key, at);
    rate.count++;
  }

  /** The key's usual rate per hour at `at`, never below the prior. */
  perHour(key: string, at: number): number {
    const rate = this.rates.get(key);
    if (rate === undefined) return this.priorPerHour;
    this.roll(rate, at);
    return Math.max(this.priorPerHour, rate.mean);
  }

  get size(): number {
    return this.rates.size;
  }

  private rolled(key: string, at: number): Rate {
    let rate = this.rates.get(key);
    if (rate === undefined) {
      rate = { hour: Math.floor(at / HOUR_MS) * HOUR_MS, count: 0, hours: 0, mean: 0 };
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
      rate.mean += w * (count - rate.mean);
      count = 0;
      if (elapsed > 48) {
        rate.mean *= Math.pow(1 - this.weight, elapsed - 1);
        rate.hours += elapsed - 1;
        break;
      }
    }
  }
}

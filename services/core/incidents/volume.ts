const MINUTE_MS = 60_000;

/**
 * How many comments the stream carried between two event times, by the minute: a group's own past rate
 * is measured as its share of the stream's volume, so the daily rhythm (quiet nights, evening peaks)
 * does not make a steady text look like a burst at the peak.
 */
export class StreamVolume {
  private readonly minutes: number[] = [];
  private readonly cumulative: number[] = [];
  /** The count of the minutes forgotten. */
  private forgotten = 0;

  add(at: number): void {
    const minute = Math.floor(at / MINUTE_MS);
    const last = this.minutes.length - 1;
    const total = last >= 0 ? (this.cumulative[last] as number) : this.forgotten;
    if (last >= 0 && (this.minutes[last] as number) >= minute) this.cumulative[last] = total + 1;
    else {
      this.minutes.push(minute);
      this.cumulative.push(total + 1);
    }
  }

  /** Comments counted at or after `from` and before `to` (to the minute). */
  between(from: number, to: number): number {
    return this.countBefore(to) - this.countBefore(from);
  }

  /** Forgets minutes before `before`; counts between later times stay right. */
  forget(before: number): void {
    const minute = Math.floor(before / MINUTE_MS);
    let drop = 0;
    while (drop < this.minutes.length - 1 && (this.minutes[drop] as number) < minute) drop++;
    if (drop > 0) this.forgotten = this.cumulative[drop - 1] as number;
    this.minutes.splice(0, drop);
    this.cumulative.splice(0, drop);
  }

  /** Comments in minutes before the one `at` falls in. */
  private countBefore(at: number): number {
    const minute = Math.floor(at / MINUTE_MS);
    let lo = 0;
    let hi = this.minutes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.minutes[mid] as number) < minute) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? this.forgotten : (this.cumulative[lo - 1] as number);
  }
}

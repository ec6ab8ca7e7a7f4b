/**
 * The SLA counters the worker's outputs imply, by the transition rules of
 * services/adapters/redis/lua/_README.md (open, answer, cancel, not actionable; each idempotent). Fed in
 * each partition's order; the fuzzer's traffic is built so that the order across partitions does not
 * change the totals (a reply and its comment commute; replied comments are never deleted).
 */
import { emptyTotals, type CounterTotals } from '../../services/core/sla/counters.js';

export type Transition =
  | { kind: 'open'; key: string; dim: string; postedAt: number; dueAt: number }
  | { kind: 'answer'; key: string; answeredAt: number }
  | { kind: 'cancel'; key: string }
  | { kind: 'notActionable'; key: string; dim: string };

type Marker = 'a' | 'c' | 'n' | 'd' | { early: number };

export class SlaModel {
  readonly totals: CounterTotals = emptyTotals();
  /** `metric|dim` -> count, for the metrics counted by the transition's own dimension. */
  readonly rows = new Map<string, number>();
  private readonly markers = new Map<string, Marker>();
  private readonly records = new Map<string, { dim: string; postedAt: number; dueAt: number }>();

  apply(t: Transition): void {
    const marker = this.markers.get(t.key);
    const finished = marker === 'a' || marker === 'c' || marker === 'n';
    switch (t.kind) {
      case 'open':
        if (finished) return;
        if (marker === 'd') {
          this.markers.set(t.key, 'c');
          this.totals.cancelled++;
          return;
        }
        if (marker !== undefined) {
          this.markers.set(t.key, 'a');
          this.count('opened', t.dim);
          this.answer(t.dueAt, marker.early);
          return;
        }
        if (this.records.has(t.key)) return;
        this.records.set(t.key, { dim: t.dim, postedAt: t.postedAt, dueAt: t.dueAt });
        this.count('opened', t.dim);
        this.totals.open++;
        return;
      case 'answer': {
        const record = this.records.get(t.key);
        if (record) {
          this.records.delete(t.key);
          this.totals.open--;
          this.markers.set(t.key, 'a');
          this.answer(record.dueAt, t.answeredAt);
          return;
        }
        if (marker === undefined) this.markers.set(t.key, { early: t.answeredAt });
        else if (typeof marker === 'object' && t.answeredAt < marker.early) marker.early = t.answeredAt;
        return;
      }
      case 'cancel': {
        if (this.records.delete(t.key)) {
          this.totals.open--;
          this.markers.set(t.key, 'c');
          this.totals.cancelled++;
          return;
        }
        if (marker === undefined || typeof marker === 'object') this.markers.set(t.key, 'd');
        return;
      }
      case 'notActionable':
        if (finished) return;
        if (marker === undefined && this.records.has(t.key)) return;
        this.markers.set(t.key, 'n');
        this.count('not_actionable', t.dim);
        return;
    }
  }

  private count(metric: 'opened' | 'not_actionable', dim: string): void {
    this.totals[metric]++;
    const row = `${metric}|${dim}`;
    this.rows.set(row, (this.rows.get(row) ?? 0) + 1);
  }

  private answer(dueAt: number, answeredAt: number): void {
    if (answeredAt <= dueAt) this.totals.answered_in_time++;
    else this.totals.answered_late++;
  }
}

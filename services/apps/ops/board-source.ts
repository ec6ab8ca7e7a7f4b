import type { Cluster, Redis } from 'ioredis';
import { epochDayOf, type CounterRow } from '../../core/sla/counters.js';
import {
  SlaReader,
  type CommentFilter,
  type DeadlineScan,
  type LifecycleGaugeRow,
} from '../../adapters/redis/reader/sla-reader.js';
import { timedRead, type OpsMetrics } from './metrics.js';
import { buildSnapshot, type BoardSnapshot } from './snapshot.js';
import type { IncidentSource } from './incident-source.js';

export const DUE_SOON_HORIZON_MS = 3_600_000;

export interface BoardSourceOptions {
  prefix: string;
  shards: number;
  overdueLimit: number;
  scanCap: number;
  /** Counter reads within this many ms share one result. */
  cacheMs: number;
  /** Board scans of one filter within this many ms share one result. */
  scanIntervalMs: number;
  /** Where the reads' durations and failures are counted, if anywhere. */
  metrics?: OpsMetrics;
  /** The incident service's open incidents, for the «Инциденты» panel; absent: none shown. */
  incidents?: Pick<IncidentSource, 'read'>;
}

export function filterKey(filter: CommentFilter): string {
  return `${filter.region ?? ''}|${filter.category ?? ''}|${filter.priority ?? ''}`;
}

/** Today's figures (compliance) move slowly and cost a scan of the daily hash: read them this often. */
const TODAY_MS = 10_000;

/**
 * Reads what the board shows from Redis, and nothing else: the `open` and `overdue` gauges of the
 * per-shard counter hashes (summed) and the lifecycle's (final answer, next reply, paused), today's daily buckets, and the board scan (due-soon comments and
 * the overdue ones not yet in the late wheel, which the timing wheels hold in order). Reads are shared: counters by every filter for `cacheMs`, today's
 * buckets for 10 s, a scan by the reads of one filter for `scanIntervalMs` (it costs a record read per
 * comment visited).
 */

export class BoardSource {
  private readonly reader: SlaReader;
  private readonly scans = new Map<string, { at: number; value: Promise<DeadlineScan> }>();
  private counters: { at: number; value: Promise<[CounterRow[], LifecycleGaugeRow[]]> } | undefined;
  private today: { at: number; day: number; value: Promise<CounterRow[]> } | undefined;

  constructor(
    redis: Redis | Cluster,
    private readonly options: BoardSourceOptions,
  ) {
    this.reader = new SlaReader(redis, options);
  }

  /** The board for one filter. Counters are shared by every filter; reads within cacheMs are reused. */
  async snapshot(filter: CommentFilter): Promise<BoardSnapshot> {
    const scan = await this.scan(filter);
    const [[counters, lifecycle], today, incidents] = await Promise.all([
      this.counterRows(),
      this.todayRows(epochDayOf(scan.now)),
      this.options.incidents?.read() ?? [],
    ]);
    return buildSnapshot({ counters, lifecycle, today, scan, filter, incidents });
  }

  private scan(filter: CommentFilter): Promise<DeadlineScan> {
    const key = filterKey(filter);
    const now = Date.now();
    for (const [k, v] of this.scans) if (now - v.at > 60_000) this.scans.delete(k);
    const cached = this.scans.get(key);
    if (cached && now - cached.at < this.options.scanIntervalMs) return cached.value;
    const value = timedRead(
      this.options.metrics,
      'scan',
      this.reader.deadlines({
        filter,
        limit: this.options.overdueLimit,
        horizonMs: DUE_SOON_HORIZON_MS,
        cap: this.options.scanCap,
      }),
    );
    this.scans.set(key, { at: now, value });
    value.catch(() => this.scans.delete(key));
    return value;
  }

  /** The first reply's gauges and the lifecycle's (issue #16), read together and shared alike. */
  private counterRows(): Promise<[CounterRow[], LifecycleGaugeRow[]]> {
    if (this.counters && Date.now() - this.counters.at < this.options.cacheMs) return this.counters.value;
    const value = timedRead(
      this.options.metrics,
      'open',
      Promise.all([this.reader.gaugeRows(), this.reader.lifecycleGaugeRows()]),
    );
    const entry = { at: Date.now(), value };
    this.counters = entry;
    value.catch(() => {
      if (this.counters === entry) this.counters = undefined;
    });
    return value;
  }

  private todayRows(day: number): Promise<CounterRow[]> {
    if (this.today && this.today.day === day && Date.now() - this.today.at < TODAY_MS)
      return this.today.value;
    const value = timedRead(this.options.metrics, 'today', this.reader.dayRows(day));
    const entry = { at: Date.now(), day, value };
    this.today = entry;
    value.catch(() => {
      if (this.today === entry) this.today = undefined;
    });
    return value;
  }
}

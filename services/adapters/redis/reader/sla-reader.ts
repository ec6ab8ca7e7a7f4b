import type { Cluster, Redis } from 'ioredis';
import {
  breakdownBy,
  complianceFrom,
  epochDayOf,
  responseHistogramsOf,
  totalsOf,
  type Compliance,
  type CounterRow,
  type CounterTotals,
  type ResponseHistogram,
} from '../../../core/sla/counters.js';
import { loadLuaScript } from '../lua-loader.js';
import { RECORD_BUCKETS, SlaKeys } from '../keys.js';
import { toSlaStoreError } from '../sla-status.js';
import {
  allShards,
  readCounterHash,
  readCounterRows,
  readDayRows,
  readGaugeRows,
  readLifecycleGaugeRows,
  type LifecycleGaugeRow,
} from './counter-reads.js';
import {
  DEFAULT_DEADLINE_OPTIONS,
  mergeDeadlineReplies,
  type DeadlineOptions,
  type DeadlineReply,
  type DeadlineScan,
} from './deadlines.js';

export { readCounterHash, readCounterRows };
export type { LifecycleGauge, LifecycleGaugeRow } from './counter-reads.js';
export type {
  CommentFilter,
  DeadlineCell,
  DeadlineOptions,
  DeadlineScan,
  OverdueComment,
} from './deadlines.js';

type RedisClient = Redis | Cluster;

export interface CounterSummary {
  rows: CounterRow[];
  totals: CounterTotals;
  byRegion: Record<string, CounterTotals>;
  byCategory: Record<string, CounterTotals>;
  byPriority: Record<string, CounterTotals>;
}

export interface SlaBoard {
  now: number;
  epochDay: number;
  counters: CounterSummary;
  today: CounterSummary;
  compliance: { today: Compliance; overall: Compliance };
  responseTimes: Record<string, ResponseHistogram>;
  deadlines: DeadlineScan;
}

function summarise(rows: CounterRow[]): CounterSummary {
  return {
    rows,
    totals: totalsOf(rows),
    byRegion: breakdownBy(rows, 'region'),
    byCategory: breakdownBy(rows, 'category'),
    byPriority: breakdownBy(rows, 'priority'),
  };
}

type ScanFn = (...args: (string | number)[]) => Promise<DeadlineReply>;

/**
 * The one read side of the SLA engine, for the ops board, the CLI, the metrics, tools and tests:
 * counters and their breakdowns, the open/overdue gauges, daily buckets, the response-time histogram,
 * compliance, and the deadline scan (overdue comments, due soon, per cell, filtered or not).
 * Reads only; every shard is read in parallel (each on its own node on a cluster) and summed here.
 */
export class SlaReader {
  readonly keys: SlaKeys;

  constructor(
    readonly redis: RedisClient,
    readonly options: { prefix: string; shards: number },
  ) {
    this.keys = new SlaKeys(options.prefix);
    if (!('scanDeadlines' in redis)) {
      redis.defineCommand('scanDeadlines', { numberOfKeys: 4, lua: loadLuaScript('scan_deadlines') });
    }
  }

  /** Redis server time in ms (the clock the scripts use). */
  async now(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  /** Every counter row (whole hashes). */
  counterRows(): Promise<CounterRow[]> {
    return readCounterRows(this.redis, this.keys, this.options.shards);
  }

  async counters(): Promise<CounterSummary> {
    return summarise(await this.counterRows());
  }

  /** The `open` and `overdue` gauges alone (GETRANGE + HSCAN MATCH): what a poller such as the board needs. */
  gaugeRows(): Promise<CounterRow[]> {
    return readGaugeRows(this.redis, this.keys, this.options.shards);
  }

  /** The lifecycle's gauges (final answers and next replies open and overdue, paused appeals). */
  lifecycleGaugeRows(): Promise<LifecycleGaugeRow[]> {
    return readLifecycleGaugeRows(this.redis, this.keys, this.options.shards);
  }

  /** The daily buckets of one epoch day (UTC, by the Redis clock at the time of each transition). */
  dayRows(epochDay: number): Promise<CounterRow[]> {
    return readDayRows(this.redis, this.keys, this.options.shards, epochDay);
  }

  async daily(epochDay: number): Promise<CounterSummary> {
    return summarise(await this.dayRows(epochDay));
  }

  /** First-reply times per priority. */
  async responseTimes(): Promise<Record<string, ResponseHistogram>> {
    return responseHistogramsOf(
      await allShards(this.options.shards, (shard) => readCounterHash(this.redis, this.keys, shard)),
    );
  }

  /** Answered in time / answered, overall and for the current epoch day. */
  async compliance(): Promise<{ today: Compliance; overall: Compliance }> {
    const [overall, today] = await Promise.all([
      this.counters(),
      this.now().then((now) => this.daily(epochDayOf(now))),
    ]);
    return { today: complianceFrom(today.totals), overall: complianceFrom(overall.totals) };
  }

  /**
   * The oldest overdue comments matching the filter (all shards, oldest due_at first), how many fall
   * due within the horizon, and both per cell (scan_deadlines.lua on every shard).
   */
  async deadlines(options: DeadlineOptions = {}): Promise<DeadlineScan> {
    const { limit, horizonMs, cap } = { ...DEFAULT_DEADLINE_OPTIONS, ...options };
    const filter = options.filter ?? {};
    // The Buffer variant: a record's tail is binary (services/adapters/redis/record/record.ts).
    const call = (this.redis as unknown as { scanDeadlinesBuffer: ScanFn }).scanDeadlinesBuffer.bind(
      this.redis,
    );
    let replies: DeadlineReply[];
    try {
      replies = await allShards(this.options.shards, (shard) =>
        call(
          this.keys.due(shard),
          this.keys.late(shard),
          this.keys.lease(shard),
          this.keys.soon(shard),
          this.keys.recordPrefix(shard),
          RECORD_BUCKETS,
          limit,
          horizonMs,
          cap,
          filter.region ?? '',
          filter.category ?? '',
          filter.priority ?? '',
        ),
      );
    } catch (e) {
      throw toSlaStoreError(e, 'scanDeadlines');
    }
    return mergeDeadlineReplies(replies, limit, horizonMs);
  }

  /** Everything a board shows, in one call. */
  async board(options: DeadlineOptions = {}): Promise<SlaBoard> {
    const now = await this.now();
    const epochDay = epochDayOf(now);
    const [counters, today, responseTimes, deadlines] = await Promise.all([
      this.counters(),
      this.daily(epochDay),
      this.responseTimes(),
      this.deadlines(options),
    ]);
    return {
      now,
      epochDay,
      counters,
      today,
      compliance: { today: complianceFrom(today.totals), overall: complianceFrom(counters.totals) },
      responseTimes,
      deadlines,
    };
  }
}

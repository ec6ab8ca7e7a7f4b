import type { Cluster, Redis } from 'ioredis';
import {
  breakdownBy,
  complianceFrom,
  epochDayOf,
  responseHistogramsOf,
  sumCounterHashes,
  sumDailyHashes,
  totalsOf,
  type Compliance,
  type CounterRow,
  type CounterTotals,
  type ResponseHistogram,
} from '../../../core/sla/counters.js';
import type { AlertKind } from '../../../core/contracts/schema-types.generated.js';
import { decodeRecordTail } from '../record/record.js';
import { loadLuaScript } from '../lua-loader.js';
import { RECORD_BUCKETS, SlaKeys } from '../keys.js';
import { toSlaStoreError } from '../sla-status.js';

type RedisClient = Redis | Cluster;

/** Reads every shard's counters (summed) for boards, CLIs and tests. */
export async function readCounterRows(
  redis: RedisClient,
  keys: SlaKeys,
  shards: number,
): Promise<CounterRow[]> {
  return sumCounterHashes(await allShards(shards, (shard) => redis.hgetall(keys.counters(shard))));
}

const allShards = <T>(shards: number, read: (shard: number) => Promise<T>): Promise<T[]> =>
  Promise.all(Array.from({ length: shards }, (_, shard) => read(shard)));

export interface CounterSummary {
  rows: CounterRow[];
  totals: CounterTotals;
  byRegion: Record<string, CounterTotals>;
  byCategory: Record<string, CounterTotals>;
  byPriority: Record<string, CounterTotals>;
}

/** An open comment past its due_at, as the board lists it. */
export interface OverdueComment {
  commentKey: string;
  platform: string;
  commentId: string;
  threadId: string;
  pageId: string;
  region: string;
  municipality: string | null;
  category: string;
  priority: string;
  excerpt: string;
  url: string | null;
  postedAt: number;
  dueAt: number;
  /** Redis time of the read minus due_at. */
  lateMs: number;
  /** The next alert still to fire, or null after the last escalation. */
  nextAlert: { kind: AlertKind; level: number } | null;
}

export interface DeadlineSummary {
  /** Redis server time of the read. */
  now: number;
  /** Open comments with now < due_at <= now + horizonMs. */
  dueWithin: number;
  horizonMs: number;
  /** Oldest first, at most `limit`. */
  overdue: OverdueComment[];
  /** True when a shard stopped scanning at `scanLimit` members: counts and the list may be short. */
  truncated: boolean;
}

export interface SlaBoard {
  now: number;
  epochDay: number;
  counters: CounterSummary;
  today: CounterSummary;
  compliance: { today: Compliance; overall: Compliance };
  responseTimes: Record<string, ResponseHistogram>;
  deadlines: DeadlineSummary;
}

export interface DeadlineOptions {
  /** Overdue comments to list (default 20). */
  limit?: number;
  /** Window of "due soon" (default one hour). */
  horizonMs?: number;
  /** Members one shard may look at per set before it reports `truncated` (default 50,000). */
  scanLimit?: number;
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

type ReadDeadlinesFn = (...args: (string | number)[]) => Promise<unknown>;

/**
 * The read side of the SLA engine for the ops board and tools: counters and their breakdowns, daily
 * buckets, the response-time histogram, compliance, the oldest overdue comments and what falls due soon.
 * Reads only; every shard is read in parallel (each on its own node on a cluster) and summed here.
 */
export class SlaReader {
  readonly keys: SlaKeys;

  constructor(
    readonly redis: RedisClient,
    readonly options: { prefix: string; shards: number },
  ) {
    this.keys = new SlaKeys(options.prefix);
    if (!('readDeadlines' in redis)) {
      redis.defineCommand('readDeadlines', { numberOfKeys: 3, lua: loadLuaScript('read_deadlines') });
    }
  }

  private shards<T>(read: (shard: number) => Promise<T>): Promise<T[]> {
    return allShards(this.options.shards, read);
  }

  /** Redis server time in ms (the clock the scripts use). */
  async now(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async counters(): Promise<CounterSummary> {
    return summarise(await readCounterRows(this.redis, this.keys, this.options.shards));
  }

  /** The daily buckets of one epoch day (UTC, by the Redis clock at the time of each transition). */
  async daily(epochDay: number): Promise<CounterSummary> {
    const hashes = await this.shards(async (shard) => {
      const fields: Record<string, string> = {};
      const stream = this.redis.hscanStream(this.keys.daily(shard), { match: `${epochDay}|*`, count: 1000 });
      for await (const chunk of stream as AsyncIterable<string[]>) {
        for (let i = 0; i + 1 < chunk.length; i += 2) fields[chunk[i] as string] = chunk[i + 1] as string;
      }
      return fields;
    });
    return summarise(sumDailyHashes(hashes, epochDay));
  }

  /** First-reply times per priority. */
  async responseTimes(): Promise<Record<string, ResponseHistogram>> {
    return responseHistogramsOf(await this.shards((shard) => this.redis.hgetall(this.keys.counters(shard))));
  }

  /** Answered in time / answered, overall and for the current epoch day. */
  async compliance(): Promise<{ today: Compliance; overall: Compliance }> {
    const [overall, today] = await Promise.all([
      this.counters(),
      this.now().then((now) => this.daily(epochDayOf(now))),
    ]);
    return { today: complianceFrom(today.totals), overall: complianceFrom(overall.totals) };
  }

  /** The oldest overdue comments (all shards, oldest due_at first) and how many fall due within the horizon. */
  async deadlines(options: DeadlineOptions = {}): Promise<DeadlineSummary> {
    const limit = options.limit ?? 20;
    const horizonMs = options.horizonMs ?? 3_600_000;
    const scanLimit = options.scanLimit ?? 50_000;
    // The Buffer variant: a record's tail is binary (services/adapters/redis/record/record.ts).
    const call = (this.redis as unknown as { readDeadlinesBuffer: ReadDeadlinesFn }).readDeadlinesBuffer.bind(
      this.redis,
    );
    let replies: [number, number, number, (Buffer | number)[][]][];
    try {
      replies = (await this.shards((shard) =>
        call(
          this.keys.due(shard),
          this.keys.late(shard),
          this.keys.lease(shard),
          this.keys.recordPrefix(shard),
          RECORD_BUCKETS,
          limit,
          horizonMs,
          scanLimit,
        ),
      )) as typeof replies;
    } catch (e) {
      throw toSlaStoreError(e, 'readDeadlines');
    }
    const now = Math.max(...replies.map(([shardNow]) => shardNow));
    const overdue = replies
      .flatMap(([, , , items]) => items.map((f) => toOverdue(f, now)))
      .sort((a, b) => a.dueAt - b.dueAt || a.commentKey.localeCompare(b.commentKey))
      .slice(0, limit);
    return {
      now,
      horizonMs,
      dueWithin: replies.reduce((sum, [, dueSoon]) => sum + dueSoon, 0),
      overdue,
      truncated: replies.some(([, , truncated]) => truncated === 1),
    };
  }

  /** Everything the board shows, in one call. */
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

/**
 * One overdue row as `read_deadlines.lua` and the board's `board_scan.lua` return it: member, due_at,
 * posted_at, region, category, priority, next alert kind and level, the record's opaque tail.
 */
export function overdueRowOf(f: (Buffer | number)[]): Omit<OverdueComment, 'lateMs'> {
  const commentKey = String(f[0]);
  const colon = commentKey.indexOf(':');
  const commentId = commentKey.slice(colon + 1);
  const kind = String(f[6] ?? '');
  const tail = decodeRecordTail(f[8] as Buffer, commentId);
  return {
    commentKey,
    platform: commentKey.slice(0, colon),
    commentId,
    dueAt: Number(f[1]),
    postedAt: Number(f[2]),
    region: String(f[3]),
    municipality: tail.municipality,
    category: String(f[4]),
    priority: String(f[5]),
    threadId: tail.threadId,
    pageId: tail.pageId,
    url: tail.url,
    excerpt: tail.excerpt,
    nextAlert: kind ? { kind: kind as AlertKind, level: Number(f[7]) } : null,
  };
}

function toOverdue(f: (Buffer | number)[], now: number): OverdueComment {
  const row = overdueRowOf(f);
  return { ...row, lateMs: now - row.dueAt };
}

/**
 * The ops board's own read script (board_scan.lua): due-soon counts and the overdue comments not yet in
 * the late wheel by region, category and priority, and the oldest overdue comments that match the
 * board's filter. Read-only. The SLA reader in
 * services/adapters/redis/reader/sla-reader.ts has the unfiltered list and totals; the board also needs them per
 * cell and per filter.
 */
import type { Cluster, Redis } from 'ioredis';
import { RECORD_BUCKETS, SlaKeys } from '../keys.js';
import { loadLuaScript } from '../lua-loader.js';
import { overdueRowOf } from './sla-reader.js';

export interface BoardFilter {
  region?: string;
  category?: string;
  priority?: string;
}

export interface OverdueItem {
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
  /** The next alert still to fire, or null after the last escalation. */
  nextAlert: { kind: string; level: number } | null;
}

export interface DeadlineCell {
  region: string;
  category: string;
  priority: string;
  /**
   * Overdue comments whose BREACH is not claimed yet (outside the late wheel, whose members the
   * `overdue` counter gauge counts): exact when `overdueTotalExact`.
   */
  overdueUnclaimed: number;
  /** A lower bound when `truncated`. */
  dueSoon: number;
}

export interface BoardScan {
  now: number;
  /** The due-soon counts (and a filtered list) cover only the members visited: lower bounds. */
  truncated: boolean;
  /** All overdue comments, whatever the filter and the cap... */
  overdueTotal: number;
  /** ...unless the sweepers are so far behind that it is a lower bound too. */
  overdueTotalExact: boolean;
  cells: DeadlineCell[];
  overdue: OverdueItem[];
}

export interface BoardScanOptions {
  limit: number;
  horizonMs: number;
  /** Members visited per set and shard before the result is marked truncated. */
  cap: number;
}

type Reply = [number, number, (Buffer | number)[], (Buffer | number)[][], number, number];
type ScanFn = (...args: (string | number)[]) => Promise<Reply>;

export class BoardScanner {
  private readonly keys: SlaKeys;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly options: { prefix: string; shards: number },
  ) {
    this.keys = new SlaKeys(options.prefix);
    if (!('otklikBoardScan' in redis)) {
      redis.defineCommand('otklikBoardScan', { numberOfKeys: 3, lua: loadLuaScript('board_scan') });
    }
  }

  async scan(filter: BoardFilter, options: BoardScanOptions): Promise<BoardScan> {
    // The Buffer variant: a record's tail is binary (services/adapters/redis/record/record.ts).
    const call = (this.redis as unknown as { otklikBoardScanBuffer: ScanFn }).otklikBoardScanBuffer.bind(
      this.redis,
    );
    const replies = await Promise.all(
      Array.from({ length: this.options.shards }, (_, shard) =>
        call(
          this.keys.due(shard),
          this.keys.late(shard),
          this.keys.lease(shard),
          this.keys.recordPrefix(shard),
          RECORD_BUCKETS,
          options.limit,
          options.horizonMs,
          options.cap,
          filter.region ?? '',
          filter.category ?? '',
          filter.priority ?? '',
        ),
      ),
    );
    const cells = new Map<string, DeadlineCell>();
    for (const [, , flat] of replies) {
      for (let i = 0; i + 2 < flat.length; i += 3) {
        const dim = String(flat[i]);
        let cell = cells.get(dim);
        if (!cell) {
          const [region = '', category = '', priority = ''] = dim.split('|');
          cells.set(dim, (cell = { region, category, priority, overdueUnclaimed: 0, dueSoon: 0 }));
        }
        cell.overdueUnclaimed += Number(flat[i + 1]);
        cell.dueSoon += Number(flat[i + 2]);
      }
    }
    const overdue = replies
      .flatMap(([, , , items]) => items.map(toOverdueItem))
      .sort((a, b) => a.dueAt - b.dueAt || a.commentKey.localeCompare(b.commentKey))
      .slice(0, options.limit);
    return {
      now: Math.max(...replies.map(([now]) => Number(now))),
      truncated: replies.some(([, truncated]) => Number(truncated) === 1),
      overdueTotal: replies.reduce((sum, r) => sum + Number(r[4]), 0),
      overdueTotalExact: replies.every((r) => Number(r[5]) === 1),
      cells: [...cells.values()],
      overdue,
    };
  }
}

const toOverdueItem = (f: (Buffer | number)[]): OverdueItem => overdueRowOf(f);

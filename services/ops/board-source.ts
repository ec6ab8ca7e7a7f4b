import type { Cluster, Redis } from 'ioredis';
import { readCounterRows } from '../adapters/redis/sla-read.js';
import { SlaReader } from '../adapters/redis/sla-read.js';
import { epochDayOf } from '../core/sla/counters.js';
import { BoardScanner, type BoardFilter } from './redis/board-scan.js';
import { buildSnapshot, type BoardSnapshot } from './snapshot.js';

export const DUE_SOON_HORIZON_MS = 3_600_000;

export interface BoardSourceOptions {
  prefix: string;
  shards: number;
  overdueLimit: number;
  scanCap: number;
  /** Reads of the same filter within this many ms share one result. */
  cacheMs: number;
}

export function filterKey(filter: BoardFilter): string {
  return `${filter.region ?? ''}|${filter.category ?? ''}|${filter.priority ?? ''}`;
}

/**
 * Reads what the board shows from Redis, and nothing else: the per-shard counter hashes (summed), today's
 * daily buckets, and the board scan (overdue and due-soon comments, which the timing wheels hold in
 * order). Concurrent reads of one filter share one round of reads.
 */
export class BoardSource {
  private readonly scanner: BoardScanner;
  private readonly reader: SlaReader;
  private readonly cache = new Map<string, { at: number; snapshot: Promise<BoardSnapshot> }>();

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly options: BoardSourceOptions,
  ) {
    this.scanner = new BoardScanner(redis, options);
    this.reader = new SlaReader(redis, options);
  }

  snapshot(filter: BoardFilter): Promise<BoardSnapshot> {
    const key = filterKey(filter);
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < this.options.cacheMs) return cached.snapshot;
    const snapshot = this.read(filter);
    this.cache.set(key, { at: Date.now(), snapshot });
    snapshot.catch(() => this.cache.delete(key));
    for (const [k, v] of this.cache) if (Date.now() - v.at > 60_000) this.cache.delete(k);
    return snapshot;
  }

  private async read(filter: BoardFilter): Promise<BoardSnapshot> {
    const scan = await this.scanner.scan(filter, {
      limit: this.options.overdueLimit,
      horizonMs: DUE_SOON_HORIZON_MS,
      cap: this.options.scanCap,
    });
    const [counters, today] = await Promise.all([
      readCounterRows(this.redis, this.reader.keys, this.options.shards),
      this.reader.daily(epochDayOf(scan.now)),
    ]);
    return buildSnapshot({ counters, today: today.rows, scan, filter });
  }
}

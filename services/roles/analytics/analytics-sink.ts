import { rowsOf, type AnalyticsChunk } from '../../core/analytics/rows.js';
import type { AnalyticsDb } from '../../adapters/duckdb/analytics-db.js';
import type {
  ChunkSource,
  FlushContext,
  GroupChunk,
  InputMessage,
  Processor,
} from '../../runtime/consumer/processor.js';
import { preloadThroughLoop, type ContractReaders } from '../../runtime/schema-readers.js';

/**
 * The sink's transactions, unless told (OTKLIK_ANALYTICS_CHUNK_SIZE, OTKLIK_ANALYTICS_FETCH_MB): a group
 * is one transaction of up to a chunk per partition, and a chunk is at most one fetch of its partition.
 * Merging `comment_latest` costs about half as much a comment in groups of 100,000 as in groups of
 * 20,000, and each transaction has a fixed cost besides (docs/analytics.md, "Ingest speed"), so the
 * sink reads in large fetches: 8 MB a partition is about 25,000 classified comments.
 */
export const ANALYTICS_CHUNK_SIZE = 20_000;
export const ANALYTICS_FETCH_MB = 8;

/** kafkajs's fetch sizes for `fetchMb` a partition: six partitions' worth (the topics' default) at most in all. */
export function analyticsFetchBytes(fetchMb: number): { perPartition: number; total: number } {
  return { perPartition: fetchMb * 1024 * 1024, total: 6 * fetchMb * 1024 * 1024 };
}

export interface AnalyticsTopics {
  classified: string;
  alerts: string;
  decisions?: string;
}

/**
 * The analytics sink: classified comments and alerts into the embedded analytical store. Exactly-once
 * in effect: every row is written by its natural key (a replay rewrites a row with itself) and the next
 * offset of each partition is stored in the same transaction as its rows, so after a SIGKILL the sink
 * resumes where its store ends (storedOffsets), whatever the group had committed.
 *
 * `readers` (runtime/schema-readers.ts): in registry mode the writer schemas of the ids the roles wrote
 * are fetched before `prepare`, the chunk waiting while the registry does not answer.
 */
export class AnalyticsSink implements Processor<AnalyticsChunk> {
  constructor(
    private readonly db: AnalyticsDb,
    private readonly topics: AnalyticsTopics,
    private readonly readers?: ContractReaders,
  ) {}

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.db.close();
  }

  preload(messages: readonly InputMessage[], context: FlushContext): Promise<void> | undefined {
    return this.readers ? preloadThroughLoop(this.readers, messages, context) : undefined;
  }

  prepare(messages: readonly InputMessage[], source: ChunkSource): AnalyticsChunk {
    return rowsOf(messages, source, this.topics, this.readers);
  }

  flush(group: readonly GroupChunk<AnalyticsChunk>[]): Promise<void> {
    return this.db.write(group.map((chunk) => chunk.prepared));
  }

  storedOffsets(assigned: readonly { topic: string; partitions: readonly number[] }[]) {
    return this.db.storedOffsets(assigned);
  }
}

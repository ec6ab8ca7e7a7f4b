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

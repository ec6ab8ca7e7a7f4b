import { rowsOf, type AnalyticsChunk } from '../../core/analytics/rows.js';
import type { AnalyticsDb } from '../../adapters/duckdb/analytics-db.js';
import type { ChunkSource, GroupChunk, InputMessage, Processor } from '../../runtime/consumer/processor.js';
import type { RegistryMode } from '../../runtime/schema-registry.js';

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
 */
export class AnalyticsSink implements Processor<AnalyticsChunk> {
  constructor(
    private readonly db: AnalyticsDb,
    private readonly topics: AnalyticsTopics,
    /** Registry mode: the roles write the registry's ids, read with its codecs (schemas fetched in preload). */
    private readonly registry?: RegistryMode,
  ) {}

  preload(messages: readonly InputMessage[]): Promise<void> | undefined {
    return this.registry?.fetcher.preload(messages);
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.db.close();
  }

  prepare(messages: readonly InputMessage[], source: ChunkSource): AnalyticsChunk {
    return rowsOf(messages, source, this.topics, this.registry?.codecs);
  }

  flush(group: readonly GroupChunk<AnalyticsChunk>[]): Promise<void> {
    return this.db.write(group.map((chunk) => chunk.prepared));
  }

  storedOffsets(assigned: readonly { topic: string; partitions: readonly number[] }[]) {
    return this.db.storedOffsets(assigned);
  }
}

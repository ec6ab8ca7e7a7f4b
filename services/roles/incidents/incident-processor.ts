import type { Logger } from 'pino';
import type { Producer } from 'kafkajs';
import type {
  ChunkSource,
  FlushContext,
  GroupChunk,
  InputMessage,
  Processor,
} from '../../runtime/consumer/processor.js';
import { preloadThroughLoop, type ContractReaders } from '../../runtime/schema-readers.js';
import { detectorCommentOf } from '../../core/incidents/comment.js';
import { detectorShardOf } from '../../core/incidents/record.js';
import type { DetectorConfig } from '../../core/incidents/index.js';
import type { IncidentEvent } from '../../core/contracts/index.js';
import type { IncidentStore } from '../../adapters/redis/incidents/incident-store.js';
import type { PriorityRaiser } from '../../adapters/redis/incidents/priority-raise.js';
import type { CampaignFlagger, CampaignOutcome } from '../../adapters/redis/incidents/campaign-flag.js';
import { memberConsequences } from './member-consequences.js';
import { ShardRunner, type ChunkRecord } from './shard-runner.js';

export interface IncidentProcessorOptions {
  store: IncidentStore;
  producer: Producer;
  readers: ContractReaders;
  incidentsTopic: string;
  shards: number;
  retentionMs: number;
  lockTtlMs: number;
  memberTtlSeconds: number;
  encode: (event: IncidentEvent) => Buffer;
  detector?: Partial<DetectorConfig>;
  logger: Logger;
  /** Raises the SLA priority of an incident's members; absent: no consequence. */
  raiser?: PriorityRaiser;
  /** Flags a campaign's members (and cancels their SLA, by its setting); absent: no consequence. */
  campaigns?: CampaignFlagger;
  /** Called with what flagging a campaign's members found (metrics). */
  onCampaignFlags?: (outcomes: Map<CampaignOutcome, number>) => void;
  /** Called with every event this process published (metrics, tests). */
  onEvents?: (events: IncidentEvent[]) => void;
}

export interface IncidentChunk {
  /** Records by detector shard. */
  byShard: Map<number, ChunkRecord[]>;
  /** Messages that could not be read (the worker wrote them: a contract break, logged). */
  unreadable: number;
}

/**
 * The incident service (docs/incidents.md#the-service): reads the classified topic and runs each
 * region's comments through its detector shard (shard-runner.ts), which keeps its state in Redis and
 * publishes IncidentEvents. A chunk repeated after a crash is recognised by the offsets stored with
 * the shard's log and changes nothing.
 */
export class IncidentProcessor implements Processor<IncidentChunk> {
  private readonly runners = new Map<number, ShardRunner>();

  constructor(private readonly options: IncidentProcessorOptions) {}

  async start(): Promise<void> {
    await this.options.producer.connect();
  }

  async close(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.release().catch(() => undefined)));
    await this.options.producer.disconnect();
  }

  preload(messages: readonly InputMessage[], context: FlushContext): Promise<void> | undefined {
    return preloadThroughLoop(this.options.readers, messages, context);
  }

  prepare(messages: readonly InputMessage[], source: ChunkSource): IncidentChunk {
    const byShard = new Map<number, ChunkRecord[]>();
    let unreadable = 0;
    const where = `${source.topic}:${source.partition}`;
    for (const message of messages) {
      if (message.value === null) continue;
      let comment;
      try {
        const classified = this.options.readers.classifiedComment(message.value);
        comment = detectorCommentOf(classified.comment, classified.classification);
      } catch {
        unreadable++;
        continue;
      }
      const shard = detectorShardOf(comment.region, this.options.shards);
      let list = byShard.get(shard);
      if (list === undefined) byShard.set(shard, (list = []));
      list.push({ where, offset: Number(message.offset), comment });
    }
    return { byShard, unreadable };
  }

  async flush(group: readonly GroupChunk<IncidentChunk>[], context: FlushContext): Promise<void> {
    const byShard = new Map<number, ChunkRecord[]>();
    let unreadable = 0;
    for (const chunk of group) {
      unreadable += chunk.prepared.unreadable;
      for (const [shard, records] of chunk.prepared.byShard) {
        const list = byShard.get(shard);
        if (list === undefined) byShard.set(shard, records.slice());
        else list.push(...records);
      }
    }
    if (unreadable > 0) this.options.logger.warn({ unreadable }, 'classified messages that cannot be read');
    for (const [shard, records] of [...byShard].sort((a, b) => a[0] - b[0])) {
      // The detector's clock is event time: a chunk group read from several partitions goes in posted_at
      // order (the sort is stable, so one partition's order is kept for equal times).
      records.sort((a, b) => a.comment.postedAt - b.comment.postedAt);
      const runner = this.runner(shard);
      const outcome = await context.retry('redis', () => runner.run(records));
      if (outcome.events.length > 0) this.options.onEvents?.(outcome.events);
    }
  }

  private runner(shard: number): ShardRunner {
    let runner = this.runners.get(shard);
    if (runner === undefined) {
      const { options } = this;
      runner = new ShardRunner({
        shard,
        store: options.store,
        detector: options.detector,
        retentionMs: options.retentionMs,
        lockTtlMs: options.lockTtlMs,
        memberTtlSeconds: options.memberTtlSeconds,
        encode: options.encode,
        logger: options.logger,
      });
      runner.beforePublish = memberConsequences(options);
      runner.publisher = async (messages) => {
        await options.producer.send({ topic: options.incidentsTopic, messages, acks: -1 });
      };
      this.runners.set(shard, runner);
    }
    return runner;
  }
}

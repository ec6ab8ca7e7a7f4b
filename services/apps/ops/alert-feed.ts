import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { SlaAlert } from '../../core/contracts/index.js';
import { preloadWaiting, type ContractReaders } from '../../runtime/schema-readers.js';
import { followTopic, type FollowedTopic } from '../cli/kafka/follow-topic.js';
import type { CommentFilter } from '../../adapters/redis/reader/sla-reader.js';
import { regionName } from './labels.js';

/** An alert as the page gets it: longs as numbers, with the region's name. */
export type AlertView = Omit<SlaAlert, 'posted_at' | 'due_at' | 'fired_at' | 'overdue_ms'> & {
  posted_at: number;
  due_at: number;
  fired_at: number;
  overdue_ms: number;
  regionName: string;
};

export function toAlertView(alert: SlaAlert): AlertView {
  return {
    ...alert,
    posted_at: Number(alert.posted_at),
    due_at: Number(alert.due_at),
    fired_at: Number(alert.fired_at),
    overdue_ms: Number(alert.overdue_ms),
    regionName: regionName(alert.region),
  };
}

export function alertMatches(filter: CommentFilter, alert: AlertView): boolean {
  return (
    (!filter.region || alert.region === filter.region) &&
    (!filter.category || alert.category === filter.category) &&
    (!filter.priority || alert.priority === filter.priority)
  );
}

const RETRY_MS = 5_000;

/**
 * The live alert feed: follows the alert topic with a group of its own, starting with the last
 * `history` alerts of each partition (the initial view) and keeping the newest `history` in memory.
 */
export class AlertFeed {
  private recentAlerts: AlertView[] = [];
  private readonly ids = new Set<string>();
  private readonly listeners = new Set<(alert: AlertView) => void>();
  private followed: FollowedTopic | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private problem: string | undefined = 'not started';

  constructor(
    private readonly options: {
      kafka: Kafka;
      topic: string;
      history: number;
      logger: Logger;
      /** How alerts are read: contractReadersOf(env) (the registry's writer schemas in registry mode). */
      readers: ContractReaders;
      /** Called once per distinct alert taken from the topic (for the ops metrics). */
      onAlert?: () => void;
    },
  ) {}

  /** Starts following; if the topic is not there yet, keeps trying in the background. */
  async start(): Promise<void> {
    try {
      this.followed = await followTopic(
        this.options.kafka,
        this.options.topic,
        { lastPerPartition: this.options.history },
        async (message, partition) => {
          try {
            // A registry that does not answer holds the partition back here: the alert waits, never skipped.
            await preloadWaiting(this.options.readers, [message], {
              logger: this.options.logger,
              stopped: () => this.closed,
            });
            this.add(toAlertView(this.options.readers.slaAlert(message.value ?? Buffer.alloc(0))));
          } catch (e) {
            this.options.logger.warn(
              { topic: this.options.topic, partition, offset: message.offset, err: (e as Error).message },
              'undecodable alert skipped',
            );
          }
        },
        { groupPrefix: 'otklik-ops' },
      );
      this.problem = undefined;
      this.options.logger.info({ topic: this.options.topic }, 'following the alert topic');
    } catch (e) {
      this.problem = `alert topic: ${(e as Error).message}`;
      this.options.logger.warn(
        { topic: this.options.topic, err: (e as Error).message },
        'alert feed not started; retrying',
      );
      if (!this.closed) this.retry = setTimeout(() => void this.start(), RETRY_MS);
    }
  }

  private add(alert: AlertView): void {
    if (this.ids.has(alert.alert_id)) return; // at-least-once delivery: the same alert may come twice
    this.ids.add(alert.alert_id);
    this.options.onAlert?.();
    this.recentAlerts.push(alert);
    this.recentAlerts.sort((a, b) => b.fired_at - a.fired_at);
    for (const dropped of this.recentAlerts.splice(this.options.history)) this.ids.delete(dropped.alert_id);
    for (const listener of this.listeners) listener(alert);
  }

  /** Newest first. */
  recent(filter: CommentFilter = {}): AlertView[] {
    return this.recentAlerts.filter((a) => alertMatches(filter, a));
  }

  subscribe(listener: (alert: AlertView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Why the feed is not live, or undefined when it is. */
  notReady(): string | undefined {
    return this.problem;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.followed?.stop();
  }
}

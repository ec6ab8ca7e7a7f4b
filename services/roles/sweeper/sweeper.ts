import type { Kafka, Producer } from 'kafkajs';
import { createReliableProducer } from '../../adapters/kafka/producer.js';
import type { Logger } from 'pino';
import { encodeSlaAlert } from '../../core/contracts/index.js';
import type { SlaAlert } from '../../core/contracts/schema-types.generated.js';
import type { ClaimedAlert, SlaStore } from '../../adapters/redis/store/sla-store.js';
import { toSlaAlert } from './alert-message.js';
import { PunctuatorLoop, type Punctuator } from '../../runtime/punctuator/punctuator.js';

export interface SweeperOptions {
  kafka: Kafka;
  store: SlaStore;
  logger: Logger;
  alertsTopic: string;
  shards: number;
  leaseMs: number;
  /** Cap on the sleep until the earliest deadline, so new earlier deadlines are seen soon. */
  maxSleepMs: number;
  claimBatch: number;
  onAlerts?: (alerts: SlaAlert[]) => void;
  /** Told when an alert send failed and is sent again whole (for the retry metric). */
  onResend?: () => void;
  /** Registry mode: writes alerts with the registry's id; the carried catalogue's when absent. */
  encodeAlert?: (alert: SlaAlert) => Buffer;
}

/**
 * Publishes WARNING / BREACH / ESCALATION alerts when deadlines fall due. Claims are atomic and leased,
 * so any number of sweepers may run; an alert is acknowledged only after the broker confirmed it.
 *
 * A Sweeper exists only with a connected producer (`Sweeper.start` connects it before constructing one)
 * and refuses to sweep once closed, so it can never claim and ack alerts it did not publish.
 */
export class Sweeper implements Punctuator {
  private closed = false;
  private readonly loop: PunctuatorLoop;
  private closing: Promise<void> | undefined;
  private readonly shardList: number[];

  /** Connects the alert producer, then starts sweeping in the background until `close()`. */
  static async start(options: SweeperOptions): Promise<Sweeper> {
    const log = options.logger.child({ component: 'sweeper' });
    const producer = createReliableProducer(options.kafka, {
      onResend: (err, attempt, delayMs) => {
        options.onResend?.();
        log.warn({ err: err.message, attempt, delayMs }, 'alert send failed; sending it again whole');
      },
    });
    await producer.connect();
    return new Sweeper(options, producer, log);
  }

  private constructor(
    private readonly options: SweeperOptions,
    private readonly producer: Producer,
    private readonly log: Logger,
  ) {
    this.shardList = Array.from({ length: options.shards }, (_, shard) => shard);
    this.loop = new PunctuatorLoop(this, {
      logger: log,
      pass: 'sweep',
      maxWaitMs: options.maxSleepMs,
      failureWaitMs: Math.min(1_000, options.maxSleepMs * 4),
    });
    this.log.info({ topic: options.alertsTopic }, 'sweeper started');
  }

  punctuate(): Promise<number> {
    return this.sweepOnce();
  }

  /**
   * One pass over every shard; returns how long to sleep before the next pass. The shards' claims go out
   * together and their alerts are published in one send, so a pass costs a few round trips however many
   * shards there are. The background loop calls it; a caller may too, until `close()` has finished.
   */
  async sweepOnce(): Promise<number> {
    if (this.closed) throw new Error('sweeper is closed: its alert producer is disconnected');
    const { store, claimBatch, leaseMs, maxSleepMs } = this.options;
    let sleepMs = maxSleepMs;
    let full = false;
    const claimed: { alert: ClaimedAlert; firedAt: number }[] = [];
    for (const result of await store.claimDueMany(this.shardList, claimBatch, leaseMs)) {
      for (const alert of result.alerts) claimed.push({ alert, firedAt: result.now });
      if (result.alerts.length >= claimBatch) full = true;
      if (result.earliest !== null) sleepMs = Math.min(sleepMs, Math.max(0, result.earliest - result.now));
    }
    if (claimed.length > 0) await this.publish(claimed);
    return full ? 0 : sleepMs;
  }

  private async publish(claimed: { alert: ClaimedAlert; firedAt: number }[]): Promise<void> {
    const alerts = claimed.map(({ alert, firedAt }) => toSlaAlert(alert, firedAt));
    await this.producer.send({
      topic: this.options.alertsTopic,
      acks: -1,
      messages: alerts.map((a) => ({
        key: a.comment_key,
        value: (this.options.encodeAlert ?? encodeSlaAlert)(a),
      })),
    });
    const acked = await this.options.store.ackAlerts(claimed.map((c) => c.alert));
    alerts.forEach((a, i) => {
      this.log.info(
        { commentKey: a.comment_key, kind: a.kind, level: a.level, overdueMs: a.overdue_ms, acked: acked[i] },
        'alert published',
      );
    });
    this.options.onAlerts?.(alerts);
  }

  /** Idempotent: finish the pass in flight (its alerts are published and acked), then disconnect. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.loop.close();
      this.closed = true;
      await this.producer.disconnect();
      this.log.info('sweeper stopped');
    })();
    return this.closing;
  }
}

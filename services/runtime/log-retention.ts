import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { topicRetentions } from '../adapters/kafka/topic-retention.js';
import { longestAlertSpanMs, shortRetentions, type ShortRetention } from '../core/sla/retention.js';
import type { AppConfig } from './config/load.js';

/**
 * The start check of issue #20: `otklik sla rebuild` restores an open deadline only while the topics it
 * reads still hold the comment, so each must keep records at least as long as the longest time from a
 * comment to its last ESCALATION under the policy. A shorter retention is warned about (once, at start),
 * not refused: the roles work without it, only a rebuild after a loss would miss the oldest deadlines.
 * Returns the topics that keep too little; a broker that cannot say is warned about too.
 */
export async function checkLogRetention(
  kafka: Kafka,
  config: Pick<AppConfig, 'env' | 'sla'>,
  logger: Logger,
  nowMs = Date.now(),
): Promise<ShortRetention[]> {
  const { env } = config;
  const topics = [env.OTKLIK_TOPIC_COMMENTS, env.OTKLIK_TOPIC_CLASSIFIED, env.OTKLIK_TOPIC_ALERTS];
  const requiredMs = longestAlertSpanMs(config.sla, nowMs);
  let retentions: Map<string, number>;
  try {
    retentions = await topicRetentions(kafka, topics);
  } catch (error) {
    logger.warn(
      { err: (error as Error).message, topics },
      'could not read the topics’ retention; a rebuild from the log needs them to keep records ' +
        `${Math.ceil(requiredMs / 3_600_000)} h`,
    );
    return [];
  }
  const short = shortRetentions(retentions, requiredMs);
  if (short.length > 0) {
    logger.warn(
      {
        topics: short.map((s) => ({ topic: s.topic, retention_h: Math.round(s.retentionMs / 360_000) / 10 })),
        required_h: Math.ceil(requiredMs / 3_600_000),
      },
      'topic retention is shorter than the longest deadline plus escalations: after a loss of Redis, ' +
        '`otklik sla rebuild` could not restore the oldest open deadlines (docs/faults.md "Rebuild from the log")',
    );
  }
  return short;
}

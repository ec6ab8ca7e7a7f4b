import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import { levels, pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  REJOIN_ERRORS,
  SETTLING_ERRORS,
  createKafka,
  kafkaLogLevel,
} from '../../../../services/adapters/kafka/client.js';

/** kafkajs's table of broker errors, where the messages it logs come from. */
const { errorCodes } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
  errorCodes: { type: string; retriable: boolean; message: string }[];
};
const messageOf = (type: string) => errorCodes.find((e) => e.type === type)?.message as string;

describe('kafkajs log levels', () => {
  it('every settling error is one kafkajs knows and retries', () => {
    for (const type of SETTLING_ERRORS) {
      expect(
        errorCodes.find((e) => e.type === type),
        type,
      ).toMatchObject({ retriable: true });
    }
  });

  it('every rejoin error is one kafkajs knows', () => {
    for (const type of REJOIN_ERRORS) expect(messageOf(type), type).toBeTruthy();
  });

  it.each([...SETTLING_ERRORS, ...REJOIN_ERRORS].map((type) => [type]))(
    'an ERROR line about %s is info',
    (type) => {
      expect(kafkaLogLevel(logLevel.ERROR, messageOf(type), { retryCount: 0, retryTime: 300 })).toBe('info');
    },
  );

  it('the lines a fresh broker gives a new consumer group are info, as kafkajs writes them', () => {
    for (const [message, fields] of [
      ['The group coordinator is not available', { retryCount: 2, retryTime: 812 }],
      ['Crash: KafkaJSNumberOfRetriesExceeded: The group coordinator is not available', { groupId: 'g' }],
      ['Restarting the consumer in 1473ms', { retryCount: 8, retryTime: 1473, groupId: 'g' }],
      [
        'Failed to send messages: There is no leader for this topic-partition as we are in the middle of a leadership election',
        { retryCount: 0, retryTime: 250 },
      ],
      ['Error when calling eachBatch', { error: 'This server is not the leader for that topic-partition' }],
      // Seen in the demo's worker log: the connection's line about a rebalance the consumer then handles.
      [
        'Response Heartbeat(key: 12, version: 3)',
        { error: 'The group is rebalancing, so a rejoin is needed', correlationId: 9, size: 10 },
      ],
    ] as const) {
      expect(kafkaLogLevel(logLevel.ERROR, message, fields), message).toBe('info');
    }
  });

  it('other errors stay errors, retriable or not; warn stays warn; kafkajs info and debug are debug', () => {
    for (const message of [
      'Crash: KafkaJSNonRetriableError: Not authorized to access topics: [Topic authorization failed]',
      'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      messageOf('REQUEST_TIMED_OUT'),
      messageOf('NOT_ENOUGH_REPLICAS'),
      messageOf('KAFKA_STORAGE_ERROR'),
      'Failed to connect to seed broker, trying another broker from the list: SASL authentication failed',
    ]) {
      expect(kafkaLogLevel(logLevel.ERROR, message), message).toBe('error');
    }
    expect(kafkaLogLevel(logLevel.WARN, messageOf('GROUP_COORDINATOR_NOT_AVAILABLE'))).toBe('warn');
    expect(kafkaLogLevel(logLevel.INFO, 'Consumer has joined the group')).toBe('debug');
    expect(kafkaLogLevel(logLevel.DEBUG, 'Request Metadata(key: 3, version: 6)')).toBe('debug');
  });

  it("createKafka's bridge writes them to pino at those levels", () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    });
    const kafka = createKafka(
      { brokers: ['127.0.0.1:1'], clientId: 'log-levels' },
      pino({ level: 'debug' }, sink),
    );
    kafka.logger().error('The group coordinator is not available', { retryCount: 1, retryTime: 300 });
    kafka.logger().error('Crash: KafkaJSNonRetriableError: Topic authorization failed', {});
    expect(lines.map((l) => [levels.labels[l.level], l.msg])).toEqual([
      ['info', 'The group coordinator is not available'],
      ['error', 'Crash: KafkaJSNonRetriableError: Topic authorization failed'],
    ]);
  });
});

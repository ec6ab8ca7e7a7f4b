import { describe, expect, it } from 'vitest';
import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { toSlaStoreError } from '../../../services/adapters/redis/sla-status.js';
import { ContractError } from '../../../services/core/contracts/index.js';
import {
  ConsumerStopError,
  isGroupWide,
  isGroupWideKafkaError,
  isRetriable,
} from '../../../services/runtime/errors.js';

// kafkajs's typings lag its code: a protocol error is built from its table entry, and the wrappers
// take a cause (node_modules/kafkajs/src/errors.js).
const protocolError = (entry: { type: string; code: number; retriable: boolean; message: string }) =>
  new KafkaJSProtocolError(entry as unknown as Error);
const nonRetriable = (cause: Error) =>
  new (KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: Error }) => Error)(cause, { cause });

/** ioredis's ReplyError, as far as the classification looks: its name and message. */
function replyError(message: string): Error {
  const error = new Error(message);
  error.name = 'ReplyError';
  return error;
}

describe('which failures of a group are transient (pause and retry) and which are not (pin on a message)', () => {
  it('Redis: no reply (connection refused, closed, timed out) and "not now" replies are transient', () => {
    for (const error of [
      new Error('connect ECONNREFUSED 127.0.0.1:6390'),
      new Error('Connection is closed.'),
      new Error('Command timed out'),
      replyError('LOADING Redis is loading the dataset in memory'),
      replyError('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT.'),
      replyError('TRYAGAIN Multiple keys request during rehashing of slot'),
      replyError('CLUSTERDOWN The cluster is down'),
      replyError("READONLY You can't write against a read only replica."),
      replyError("OOM command not allowed when used memory > 'maxmemory'."),
      replyError(
        'MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.',
      ),
      replyError('NOAUTH Authentication required.'),
      // A cluster master killed and back as a replica, still in a stale slot map: the WAIT ending a
      // store pipeline lands on it.
      replyError(
        'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.',
      ),
    ]) {
      expect(isRetriable(toSlaStoreError(error, 'apply')), error.message).toBe(true);
    }
  });

  it('Redis: a script error and other error replies are not; nor is an error of our own code', () => {
    for (const error of [
      replyError(
        "ERR user_script:102: bad argument #1 to 'char' (invalid value) script: 5e3f..., on @user_script:102.",
      ),
      replyError('WRONGTYPE Operation against a key holding the wrong kind of value'),
      replyError("ERR wrong number of arguments for 'hset' command"),
    ]) {
      expect(isRetriable(toSlaStoreError(error, 'apply')), error.message).toBe(false);
    }
    expect(isRetriable(new RangeError('transition field of 70000 bytes'))).toBe(false);
  });

  it('kafkajs: retriable errors and "retries exceeded" are transient; MESSAGE_TOO_LARGE is not, and is no group-wide error', () => {
    const tooLarge = protocolError({
      type: 'MESSAGE_TOO_LARGE',
      code: 10,
      retriable: false,
      message: 'The request included a message larger than the max message size the server will accept',
    });
    expect(isRetriable(new KafkaJSConnectionError('Connection error: ECONNREFUSED'))).toBe(true);
    expect(
      isRetriable(
        new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('x'), { retryCount: 0, retryTime: 1 }),
      ),
    ).toBe(true);
    const wrapped = nonRetriable(tooLarge);
    expect(isRetriable(wrapped)).toBe(false);
    expect(isGroupWideKafkaError(wrapped)).toBe(false);
    expect(isRetriable(new TypeError('bad header'))).toBe(false);
  });

  it('kafkajs: an authorisation failure is group-wide (no message is to blame)', () => {
    const denied = protocolError({
      type: 'TOPIC_AUTHORIZATION_FAILED',
      code: 29,
      retriable: false,
      message: 'Not authorized to access topics',
    });
    expect(isRetriable(denied)).toBe(false);
    expect(isGroupWideKafkaError(nonRetriable(denied))).toBe(true);
  });

  it('ioredis error replies unwrapped are classified as the store classifies them', () => {
    expect(isRetriable(replyError('LOADING Redis is loading the dataset in memory'))).toBe(true);
    expect(isRetriable(replyError('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(
      false,
    );
  });

  it('a contract error is never retriable; a consumer stop is group-wide and never retriable', () => {
    expect(isRetriable(new ContractError('EMPTY_VALUE', 'not JSON'))).toBe(false);
    const stop = new ConsumerStopError('the broker refused a dead letter even truncated');
    expect(isRetriable(stop)).toBe(false);
    expect(isGroupWide(stop)).toBe(true);
    expect(isGroupWide(new Error('a bug'))).toBe(false);
  });
});

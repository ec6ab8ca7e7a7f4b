/**
 * docs/design.md#sla-semantics: an official reply may be processed before the comment it answers (they are keyed apart, so
 * they travel on different partitions), and the counters must not depend on that order. One worker
 * (in process) gets the same comments twice: once in order, once with every reply processed first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { createReliableProducer } from '../../../../services/adapters/kafka/producer.js';
import { readCounterRows } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { SlaKeys } from '../../../../services/adapters/redis/keys.js';
import { classify } from '../../../../services/core/classifier/index.js';
import { encodeCommentEvent } from '../../../../services/core/contracts/index.js';
import type { CommentEvent } from '../../../../services/core/contracts/schema-types.generated.js';
import { totalsOf } from '../../../../services/core/sla/counters.js';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import { startApp, type RunningApp } from '../../../../services/runtime/app.js';
import { commentEvent, officialReply } from '../../../support/comments.js';
import { isolatedStack } from '../../../support/fixture.js';
import { createTestTopics, waitUntilAllCommitted } from '../../../../tools/harness/kafka.js';
import { deleteKeys } from '../../../../tools/harness/outcome.js';

const stack = isolatedStack('arrival-order');
let app: RunningApp;
let admin: Admin;
let producer: Producer;
let redis: Redis;

beforeAll(async () => {
  await createTestTopics(stack.kafka, stack.env);
  app = await startApp(loadConfig(stack.env), stack.logger, { roles: ['worker'] });
  admin = stack.kafka.admin();
  await admin.connect();
  producer = createReliableProducer(stack.kafka);
  await producer.connect();
  redis = stack.redis();
});
afterAll(async () => {
  await producer?.disconnect();
  await app?.close();
  await admin?.deleteTopics({ topics: Object.values(topicsOf(stack.env)) }).catch(() => undefined);
  await admin?.disconnect();
  await deleteKeys(redis, stack.env);
  redis?.disconnect();
});

function topicsOf(env: Record<string, string>) {
  return {
    comments: env.OTKLIK_TOPIC_COMMENTS as string,
    classified: env.OTKLIK_TOPIC_CLASSIFIED as string,
    alerts: env.OTKLIK_TOPIC_ALERTS as string,
    dlq: env.OTKLIK_TOPIC_DLQ as string,
  };
}

/** Sends the events and waits until the worker committed them: the next send is processed after. */
async function sendAndWait(events: CommentEvent[]) {
  await producer.send({
    topic: stack.env.OTKLIK_TOPIC_COMMENTS as string,
    acks: -1,
    messages: events.map((e) => ({ key: `${e.platform}:${e.comment_id}`, value: encodeCommentEvent(e) })),
  });
  await waitUntilAllCommitted(
    admin,
    stack.env.OTKLIK_GROUP_ID as string,
    stack.env.OTKLIK_TOPIC_COMMENTS as string,
    30_000,
  );
}

const totalsOfRegion = async (region: string) =>
  totalsOf(await readCounterRows(redis, new SlaKeys(stack.env.OTKLIK_KEY_PREFIX as string), 4), { region });

const postedAt = Date.now() - 30 * 60_000;
const complaint = (region: string) =>
  commentEvent({
    region,
    posted_at: postedAt,
    text: 'Вторую неделю во дворе не вывозят мусор, контейнеры переполнены. Примите меры!',
  });
const thanks = (region: string) =>
  commentEvent({
    region,
    posted_at: postedAt,
    text: 'Спасибо большое за новую детскую площадку, дети очень рады!',
  });
const replyTo = (c: CommentEvent) => officialReply(c, postedAt + 5 * 60_000);

describe('a reply processed before its comment', () => {
  it('the test comments are what they claim: a complaint is actionable, a thank-you is not', () => {
    expect(classify({ text: complaint('54').text }).actionable).toBe(true);
    expect(classify({ text: thanks('54').text }).actionable).toBe(false);
  });

  it('an actionable comment counts the same either way: opened once, answered in time once', async () => {
    const inOrder = complaint('11');
    await sendAndWait([inOrder]);
    await sendAndWait([replyTo(inOrder)]);
    const replyFirst = complaint('12');
    await sendAndWait([replyTo(replyFirst)]);
    await sendAndWait([replyFirst]);
    const expected = { opened: 1, open: 0, answered_in_time: 1, not_actionable: 0 };
    expect(await totalsOfRegion('11')).toMatchObject(expected);
    expect(await totalsOfRegion('12')).toMatchObject(expected);
  });

  it('a comment that needs no answer is counted as not actionable even when its reply came first', async () => {
    const inOrder = thanks('21');
    await sendAndWait([inOrder]);
    await sendAndWait([replyTo(inOrder)]);
    const replyFirst = thanks('22');
    await sendAndWait([replyTo(replyFirst)]);
    await sendAndWait([replyFirst]);
    expect(await totalsOfRegion('21')).toMatchObject({ opened: 0, not_actionable: 1 });
    expect(await totalsOfRegion('22')).toMatchObject({ opened: 0, not_actionable: 1 });
  });
});

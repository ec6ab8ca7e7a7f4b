import { mkdtempSync, writeFileSync } from 'node:fs';
import { createPlainProducer } from '../../../../services/adapters/kafka/producer.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import { startApp, type RunningApp } from '../../../../services/runtime/app.js';
import {
  decodeClassifiedComment,
  decodeSlaAlert,
  encodeCommentEvent,
} from '../../../../services/core/contracts/index.js';
import { readCounterRows } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { SlaKeys } from '../../../../services/adapters/redis/keys.js';
import { totalsOf } from '../../../../services/core/sla/counters.js';
import type { CommentEvent } from '../../../../services/core/contracts/schema-types.generated.js';
import { isolatedStack } from '../../../support/fixture.js';
import { readTopic } from '../../../support/topic-reader.js';
import { commentEvent, officialReply } from '../../../support/comments.js';

const TARGET_MS = 3_000;
const dir = mkdtempSync(join(tmpdir(), 'otklik-pipeline-'));
const configFile = join(dir, 'policy.yaml');
writeFileSync(
  configFile,
  [
    'sla:',
    '  name: short',
    '  targets: { critical: 3s, high: 3s, normal: 3s, low: 3s }',
    '  warnFraction: 0.5',
    '  escalation: { every: 10s, maxLevel: 0 }',
    'sweeper: { leaseMs: 5000, maxSleepMs: 100, claimBatch: 100 }',
  ].join('\n'),
);

const stack = isolatedStack('pipeline', { OTKLIK_CONFIG: configFile });
let app: RunningApp;
let producer: Producer;

beforeAll(async () => {
  app = await startApp(loadConfig(stack.env), stack.logger, { roles: ['worker', 'sweeper'] });
  producer = createPlainProducer(stack.kafka);
  await producer.connect();
});
afterAll(async () => {
  await producer?.disconnect();
  await app?.close();
});

const send = (events: CommentEvent[]) =>
  producer.send({
    topic: stack.env.OTKLIK_TOPIC_COMMENTS as string,
    messages: events.map((e) => ({ key: `${e.platform}:${e.comment_id}`, value: encodeCommentEvent(e) })),
  });

describe('walking skeleton end to end, on the real broker and Redis', () => {
  it('classifies, sets the deadline, alerts an unanswered comment once and an answered one never', async () => {
    const classifiedTopic = await readTopic(stack.kafka, stack.env.OTKLIK_TOPIC_CLASSIFIED as string);
    const alertTopic = await readTopic(stack.kafka, stack.env.OTKLIK_TOPIC_ALERTS as string);

    const unanswered = commentEvent({ text: 'Третий день нет горячей воды, управляющая компания молчит!' });
    const answered = commentEvent({ text: 'Когда отремонтируют дорогу на улице Ленина? Сплошные ямы.' });
    await send([unanswered, answered]);
    await send([officialReply(answered, answered.posted_at + 500)]);

    const classified = (await classifiedTopic.waitFor((m) => m.length >= 3)).map((m) =>
      decodeClassifiedComment(m.value as Buffer),
    );
    const first = classified.find((c) => c.comment.comment_id === unanswered.comment_id);
    expect(first?.key).toBe(`VK:${unanswered.comment_id}`);
    expect(first?.classification.actionable).toBe(true);
    expect(first?.sla?.due_at).toBe(unanswered.posted_at + TARGET_MS);
    expect(first?.sla?.warn_at).toBe(unanswered.posted_at + TARGET_MS / 2);

    const breachOf = (id: string) => (all: ReturnType<typeof decodeSlaAlert>[]) =>
      all.filter((a) => a.comment_id === id && a.kind === 'BREACH');
    await alertTopic.waitFor(
      (m) => breachOf(unanswered.comment_id)(m.map((x) => decodeSlaAlert(x.value as Buffer))).length > 0,
    );
    // Give the sweeper time to (wrongly) fire again before counting.
    await new Promise((r) => setTimeout(r, 1_500));
    const alerts = alertTopic.messages.map((m) => decodeSlaAlert(m.value as Buffer));
    expect(breachOf(unanswered.comment_id)(alerts)).toHaveLength(1);
    expect(alerts.filter((a) => a.comment_id === unanswered.comment_id).map((a) => a.kind)).toEqual([
      'WARNING',
      'BREACH',
    ]);
    expect(alerts.filter((a) => a.comment_id === answered.comment_id)).toEqual([]);
    const breach = breachOf(unanswered.comment_id)(alerts)[0];
    expect(breach?.due_at).toBe(unanswered.posted_at + TARGET_MS);
    expect(breach?.overdue_ms).toBeGreaterThanOrEqual(0);

    const totals = totalsOf(
      await readCounterRows(app.redis, new SlaKeys(stack.env.OTKLIK_KEY_PREFIX as string), 4),
    );
    expect(totals).toMatchObject({ opened: 2, open: 1, answered_in_time: 1, breached: 1, warned: 1 });

    await classifiedTopic.close();
    await alertTopic.close();
  });
});

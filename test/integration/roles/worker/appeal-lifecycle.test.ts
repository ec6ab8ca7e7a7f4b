/**
 * Issue #16 end to end on the real stack: the worker and the sweeper started as `otklik` starts them,
 * comments and official replies on the comments topic, operator actions sent with `otklik act`. An
 * answered appeal's final answer is late and the sweeper fires its BREACH with target FINAL_ANSWER; a
 * paused appeal's final answer fires nothing while paused; a reclassification to critical past its
 * critical target breaches at once and moves the appeal's counters to the critical bucket once. A
 * citizen's follow-up under the official reply starts the appeal's next reply (a redelivery changes
 * nothing), the reply to it ends it, and after RESOLVED another one reopens the appeal.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Admin, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReliableProducer } from '../../../../services/adapters/kafka/producer.js';
import { SlaKeys } from '../../../../services/adapters/redis/keys.js';
import { readCounterRows } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { runCli } from '../../../../services/apps/cli/main.js';
import {
  decodeSlaAlert,
  encodeCommentEvent,
  type CommentEvent,
} from '../../../../services/core/contracts/index.js';
import { breakdownBy } from '../../../../services/core/sla/counters.js';
import { shardOf } from '../../../../services/core/sla/shard.js';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import { startApp, type RunningApp } from '../../../../services/runtime/app.js';
import { commentEvent, officialReply } from '../../../support/comments.js';
import { isolatedStack } from '../../../support/fixture.js';
import { readTopic } from '../../../support/topic-reader.js';
import { createTestTopics, waitUntilAllCommitted } from '../../../../tools/harness/kafka.js';
import { deleteKeys } from '../../../../tools/harness/outcome.js';

const dir = mkdtempSync(join(tmpdir(), 'otklik-appeal-'));
const configFile = join(dir, 'policy.yaml');
writeFileSync(
  configFile,
  [
    'sla:',
    '  name: e2e',
    '  targets: { critical: 3s, high: 1h, normal: 1h, low: 1h }',
    '  warnFraction: 0.5',
    '  escalation: { every: 1h, maxLevel: 0 }',
    '  finalAnswer: { targets: { critical: 8s, high: 8s, normal: 8s, low: 8s } }',
    'sweeper: { leaseMs: 5000, maxSleepMs: 100, claimBatch: 100 }',
  ].join('\n'),
);

const stack = isolatedStack('appeal-lifecycle', { OTKLIK_CONFIG: configFile });
const env = stack.env as Record<string, string>;
const SHARDS = Number(env.OTKLIK_SHARDS ?? 4);
let app: RunningApp;
let admin: Admin;
let producer: Producer;
let redis: Redis;

beforeAll(async () => {
  await createTestTopics(stack.kafka, env);
  app = await startApp(loadConfig(env), stack.logger, { roles: ['worker', 'sweeper'] });
  admin = stack.kafka.admin();
  await admin.connect();
  producer = createReliableProducer(stack.kafka);
  await producer.connect();
  redis = stack.redis();
});
afterAll(async () => {
  await producer?.disconnect();
  await app?.close();
  const topics = ['COMMENTS', 'CLASSIFIED', 'ALERTS', 'DLQ', 'ACTIONS'].map(
    (t) => env[`OTKLIK_TOPIC_${t}`] as string,
  );
  await admin?.deleteTopics({ topics }).catch(() => undefined);
  await admin?.disconnect();
  await deleteKeys(redis, env);
  redis?.disconnect();
});

async function otklik(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env });
  expect(code, [...out, ...err].join('\n')).toBe(0);
  return { out, err };
}
const keyOf = (e: CommentEvent) => `${e.platform}:${e.comment_id}`;
const send = async (events: CommentEvent[]) => {
  await producer.send({
    topic: env.OTKLIK_TOPIC_COMMENTS as string,
    acks: -1,
    messages: events.map((e) => ({ key: keyOf(e), value: encodeCommentEvent(e) })),
  });
  await waitUntilAllCommitted(
    admin,
    env.OTKLIK_GROUP_ID as string,
    env.OTKLIK_TOPIC_COMMENTS as string,
    30_000,
  );
};
const actionsCommitted = () =>
  waitUntilAllCommitted(admin, env.OTKLIK_GROUP_ID as string, env.OTKLIK_TOPIC_ACTIONS as string, 30_000);
const byPriority = async () =>
  breakdownBy(await readCounterRows(redis, new SlaKeys(env.OTKLIK_KEY_PREFIX as string), SHARDS), 'priority');

describe('the whole life of an appeal on the real stack', () => {
  it('a final-answer BREACH with its target, a paused appeal, a reclassification moving counters', async () => {
    const alerts = await readTopic(stack.kafka, env.OTKLIK_TOPIC_ALERTS as string);
    try {
      const now = Date.now();
      const late = commentEvent({ text: 'Третий день нет горячей воды, управляющая компания молчит!' });
      const paused = commentEvent({ text: 'Когда отремонтируют дорогу на улице Ленина? Сплошные ямы.' });
      await send([late, paused]);
      await send([officialReply(late, now + 200), officialReply(paused, now + 200)]);
      // Waiting for the citizen, with no cap on pauses: the final answer's clock stops from the pause's
      // own time (its WARNING, due 4 s after the reply, may fire before a slow machine applies it).
      const pausedAt = new Date(now + 300).toISOString();
      await otklik(
        'act',
        keyOf(paused),
        'paused',
        '--operator',
        'op-1',
        '--reason',
        'citizen',
        '--at',
        pausedAt,
      );
      await actionsCommitted();

      const finalBreach = (m: { value: Buffer | null }[]) =>
        m
          .map((x) => decodeSlaAlert(x.value as Buffer))
          .filter((a) => a.target === 'FINAL_ANSWER' && a.kind === 'BREACH');
      const fired = await alerts.waitFor(
        (m) => finalBreach(m).some((a) => a.comment_key === keyOf(late)),
        20_000,
      );
      const breach = finalBreach(fired).find((a) => a.comment_key === keyOf(late));
      expect(breach).toMatchObject({ comment_id: late.comment_id, target: 'FINAL_ANSWER' });
      // Counted from the first reply: due 8 s after it.
      expect(breach?.due_at).toBe(now + 200 + 8_000);
      // The paused appeal's final answer was due at the same time and never breaches while paused.
      await new Promise((r) => setTimeout(r, 1_500));
      const all = alerts.messages.map((m) => decodeSlaAlert(m.value as Buffer));
      expect(all.filter((a) => a.comment_key === keyOf(paused) && a.kind !== 'WARNING')).toEqual([]);
      // `otklik stats --target final` shows the final answer's counters: two started, one breached.
      const final = await otklik('stats', '--target', 'final', '--by', 'priority', '--json');
      const finalTotals = (JSON.parse(final.out.join('')) as { total: { totals: Record<string, number> } })
        .total.totals;
      expect(finalTotals).toMatchObject({ opened: 2, open: 2, breached: 1, overdue: 1 });
      const state = await redis.hget(
        new SlaKeys(env.OTKLIK_KEY_PREFIX as string).appeal(shardOf(keyOf(paused), SHARDS), keyOf(paused)),
        's',
      );
      expect(JSON.parse(state as string)).toMatchObject({
        status: 'OPEN',
        pause: { reason: 'WAITING_FOR_CITIZEN' },
      });

      // A comment the classifier rated below critical, raised to critical 10 s after it was posted:
      // its critical target (3 s) is past, so the BREACH fires at once, and its counters move once.
      const raised = commentEvent({
        text: 'Подскажите, пожалуйста, когда покрасят скамейки в сквере?',
        posted_at: Date.now() - 10_000,
      });
      const before = await byPriority();
      await send([raised]);
      const opened = await byPriority();
      const from = Object.keys(opened).find((p) => (opened[p]?.opened ?? 0) > (before[p]?.opened ?? 0));
      expect(from, 'the raised comment opened an SLA').toBeDefined();
      expect(from).not.toBe('critical');
      const raise = ['act', keyOf(raised), 'reclassified', '--operator', 'op-2', '--priority', 'critical'];
      await otklik(...raise, '--action-id', 'raise-1');
      await otklik(...raise, '--action-id', 'raise-1');
      await actionsCommitted();
      await alerts.waitFor(
        (m) =>
          m
            .map((x) => decodeSlaAlert(x.value as Buffer))
            .some((a) => a.comment_key === keyOf(raised) && a.kind === 'BREACH' && a.priority === 'critical'),
        20_000,
      );
      const after = await byPriority();
      expect((after[from as string]?.opened ?? 0) - (before[from as string]?.opened ?? 0)).toBe(0);
      expect((after.critical?.opened ?? 0) - (opened.critical?.opened ?? 0)).toBe(1);
      expect((after.critical?.open ?? 0) - (opened.critical?.open ?? 0)).toBe(1);
      const corrections = await redis.lrange(
        new SlaKeys(env.OTKLIK_KEY_PREFIX as string).corrections(shardOf(keyOf(raised), SHARDS)),
        0,
        -1,
      );
      expect(corrections.map((c) => JSON.parse(c) as { action_id: string })).toEqual([
        expect.objectContaining({ action_id: 'raise-1' }),
      ]);
      // Exported as a labelled example: the text as the record kept it, the classifier's labels, the
      // operator's; the operator disagreed on the priority and judged nothing else.
      const exported = await otklik('corrections', 'export');
      expect(exported.out.map((l) => JSON.parse(l) as unknown)).toEqual([
        expect.objectContaining({
          comment_key: keyOf(raised),
          action_id: 'raise-1',
          operator_id: 'op-2',
          text: raised.text,
          classifier: expect.objectContaining({ priority: from, actionable: true }),
          operator: { category: null, type: null, priority: 'critical', actionable: null },
        }),
      ]);
      expect(exported.err.join('\n')).toMatch(/priority\s+│?\s*1\s+│?\s*0\s+│?\s*0\.0%/);
    } finally {
      await alerts.close();
    }
  });

  it('a citizen follow-up starts a next reply, the reply to it ends it, and after RESOLVED one reopens', async () => {
    const keys = new SlaKeys(env.OTKLIK_KEY_PREFIX as string);
    const stateOf = async (e: CommentEvent) =>
      JSON.parse((await redis.hget(keys.appeal(shardOf(keyOf(e), SHARDS), keyOf(e)), 's')) as string) as {
        status: string;
        reopened: number;
        reply: { target: string } | null;
      };
    const next = async () => {
      const { out } = await otklik('stats', '--target', 'next', '--json');
      return (JSON.parse(out.join('')) as { total: { totals: Record<string, number> } }).total.totals;
    };
    const now = Date.now();
    const appeal = commentEvent({ text: 'Во дворе не вывозят мусор вторую неделю, контейнеры переполнены!' });
    await send([appeal]);
    const reply = officialReply(appeal, now + 100);
    await send([reply]);
    // The citizen answers the official reply: the appeal's next reply starts (1 h, from its posted_at).
    const followUp = commentEvent({
      parent_comment_id: reply.comment_id,
      text: 'Ничего не вывезли, мусор так и лежит у подъезда. Когда уберут?',
      posted_at: now + 500,
    });
    await send([followUp]);
    await send([followUp]); // redelivered: nothing twice
    expect(await next()).toMatchObject({ opened: 1, open: 1 });
    expect((await stateOf(appeal)).reply).toMatchObject({ target: 'NEXT_REPLY' });
    // The official's reply to the follow-up is the appeal's next reply, in time.
    await send([officialReply(followUp, now + 800)]);
    expect(await next()).toMatchObject({ opened: 1, open: 0, answered_in_time: 1 });

    await otklik('act', keyOf(appeal), 'resolved', '--operator', 'op-3');
    await actionsCommitted();
    // After RESOLVED (`reopen: reopen`, the default) a comment in the thread reopens the appeal.
    const again = commentEvent({
      parent_comment_id: followUp.comment_id,
      text: 'Опять не вывезли мусор, контейнеры переполнены, вонь на весь двор!',
    });
    await send([again]);
    // Seen once in CI (and never in 27 runs here, alone or three at once): the appeal stayed RESOLVED.
    // If it comes back, the message says which path `again` took: its own marker (`f`: a follow-up; `a`,
    // `c`, none: opened as its own appeal), the thread link it was looked up by, and the dead letters.
    const why = async () => {
      const shardOfKey = (e: CommentEvent) => shardOf(keyOf(e), SHARDS);
      const dead = await admin.fetchTopicOffsets(env.OTKLIK_TOPIC_DLQ as string);
      return JSON.stringify({
        againMarker: await redis.get(keys.finished(shardOfKey(again), keyOf(again))),
        againState: await redis.hget(keys.appeal(shardOfKey(again), keyOf(again)), 's'),
        followUpLink: await redis.get(keys.link(shardOfKey(followUp), keyOf(followUp))),
        followUpMarker: await redis.get(keys.finished(shardOfKey(followUp), keyOf(followUp))),
        deadLetters: dead.map((o) => Number(o.high)),
        appeal: await stateOf(appeal),
      });
    };
    const reopened = await stateOf(appeal);
    expect(reopened, reopened.status === 'OPEN' ? undefined : await why()).toMatchObject({
      status: 'OPEN',
      reopened: 1,
      reply: { target: 'NEXT_REPLY' },
    });
    expect(await next()).toMatchObject({ opened: 2, open: 1, answered_in_time: 1 });
  });
});

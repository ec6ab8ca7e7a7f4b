/**
 * docs/faults.md "Rebuild from the log" (issue #20): the same stream runs twice, once untouched and once
 * with its SLA keys deleted while it flows (as FLUSHALL or a promoted empty replica would). The roles of
 * the second run stop on the loss, `otklik sla rebuild --stopped` rebuilds the prefix from the topics,
 * the roles start again on it and the rest of the stream follows: both runs end with the same counters
 * (every metric by region, category and priority, the open and overdue gauges included), the same
 * overdue comments with the same next alert, and the same set of alerts. Operator actions (issue #16)
 * flow too: the final answers the replies started, a resolved one, a paused one resumed after the
 * rebuild, a correction, all come out the same (the final answer's counters, the lifecycle's gauges).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { createReliableProducer } from '../../../../services/adapters/kafka/producer.js';
import { SlaReader } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { runCli } from '../../../../services/apps/cli/main.js';
import { defaultCodecs, encodeOperatorAction } from '../../../../services/core/contracts/index.js';
import type { CommentEvent } from '../../../../services/core/contracts/schema-types.generated.js';
import { buildOperatorAction, type ActOptions } from '../../../../services/apps/cli/commands/act.js';
import { readTargetCounterRows } from '../../../../services/adapters/redis/reader/counter-reads.js';
import { SlaKeys } from '../../../../services/adapters/redis/keys.js';
import { commentKeyOf } from '../../../../services/core/sla/shard.js';
import { totalsOf } from '../../../../services/core/sla/counters.js';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import { startApp, type RunningApp } from '../../../../services/runtime/app.js';
import type { StateLostError } from '../../../../services/runtime/state-guard.js';
import { commentEvent, officialReply } from '../../../support/comments.js';
import { isolatedStack } from '../../../support/fixture.js';
import {
  createTestTopics,
  produce,
  readToEnd,
  until,
  waitUntilAllCommitted,
} from '../../../../tools/harness/kafka.js';
import { deleteKeys } from '../../../../tools/harness/outcome.js';
import { messageOf } from '../../../../tools/harness/workload/pieces.js';

const DAY = 86_400_000;
const T0 = Date.now();
const run = `${T0.toString(36)}`;
type Stack = ReturnType<typeof isolatedStack>;
const extra = { OTKLIK_STATE_CHECK_MS: '200' };
const reference = isolatedStack('rebuild-ref', extra);
const lossy = isolatedStack('rebuild-loss', extra);
const stacks = [reference, lossy];
const apps = new Map<Stack, RunningApp>();
let producer: Producer;
const admins = new Map<Stack, Admin>();
const redises = new Map<Stack, Redis>();

// Comments 2 days old are past their deadline and every escalation (default policy: at most 24 h plus
// 3 × 1 h): each gets BREACH and ESCALATION 1-3 at once, whenever it is processed. Fresh ones get no
// alert during the test (the earliest WARNING is 45 minutes away). So both runs owe the same alerts.
const comment = (id: string, postedAt: number, overrides: Partial<CommentEvent> = {}) =>
  commentEvent({ comment_id: `${run}-${id}`, event_id: `${run}-${id}-e`, posted_at: postedAt, ...overrides });
const overdue = (id: string) => comment(id, T0 - 2 * DAY);
const fresh = (id: string) => comment(id, T0 - 60_000);
const deleted = (e: CommentEvent): CommentEvent => ({ ...e, op: 'DELETED', event_id: `${e.event_id}-d` });
const range = (n: number, f: (i: number) => CommentEvent) => Array.from({ length: n }, (_, i) => f(i));

const old = range(30, (i) => overdue(`old-${i}`));
const recent = range(30, (i) => fresh(`new-${i}`));
const media = range(5, (i) => comment(`media-${i}`, T0 - 60_000, { author: { id: 'm', kind: 'MEDIA' } }));
const later = range(10, (i) => overdue(`later-${i}`));
const last = range(10, (i) => overdue(`last-${i}`));

/** Before the loss: everything is processed and its alerts published. */
const phase1 = [
  ...old,
  ...recent,
  ...media,
  ...range(8, (i) => officialReply(recent[i]!, T0)),
  deleted(recent[8]!),
];
/** Flowing when the keys are deleted. */
const phase2 = [
  ...later,
  ...range(10, (i) => officialReply(old[i]!, T0)),
  ...range(4, (i) => deleted(old[10 + i]!)),
  ...range(6, (i) => officialReply(recent[10 + i]!, T0)),
  ...range(3, (i) => deleted(recent[16 + i]!)),
];
/** After the rebuild: replies and deletes of what came before, new overdue comments, a redelivery. */
const phase3 = [
  ...last,
  ...range(5, (i) => officialReply(later[i]!, T0)),
  ...range(3, (i) => officialReply(old[20 + i]!, T0)),
  ...range(3, (i) => deleted(recent[20 + i]!)),
  ...old.slice(25),
  recent[29]!,
  // A citizen writes again under an official reply of phase 2 (sent after its comment was processed: a
  // reply that overtakes its comment leaves no thread link): a next reply, found through the links the
  // rebuild must have written back.
  comment('follow-10', T0 + 1_000, { parent_comment_id: `${recent[10]!.comment_id}-reply` }),
];
const OWED_ALERTS = (old.length + later.length + last.length) * 4;

/** Operator actions, built once (one action id and acted_at for both runs), on appeals already replied. */
const action = (e: CommentEvent, name: string, options: Partial<ActOptions> = {}) =>
  buildOperatorAction(
    commentKeyOf(e.platform, e.comment_id),
    name,
    { operator: 'op-rebuild', actionId: `${run}-${e.comment_id}-${name}`, format: 'avro', ...options },
    Date.now(),
  );
/** After phase 1 (recent 0-7 replied): one final answer given, one paused, one priority corrected. */
const actions1 = [
  action(recent[0]!, 'resolved'),
  action(recent[1]!, 'paused', { reason: 'citizen' }),
  action(recent[2]!, 'reclassified', { priority: 'low' }),
];
/** After the rebuild: the pause ends (the rebuilt state must know it), another final answer. */
const actions3 = [action(recent[1]!, 'resumed'), action(recent[3]!, 'resolved')];

beforeAll(async () => {
  producer = createReliableProducer(reference.kafka);
  await producer.connect();
  for (const stack of stacks) {
    await createTestTopics(stack.kafka, stack.env);
    const admin = stack.kafka.admin();
    await admin.connect();
    admins.set(stack, admin);
    redises.set(stack, stack.redis());
  }
});
afterAll(async () => {
  for (const app of apps.values()) await app.close().catch(() => undefined);
  await producer?.disconnect();
  for (const stack of stacks) {
    const env = stack.env;
    const admin = admins.get(stack);
    await admin
      ?.deleteTopics({
        topics: [
          env.OTKLIK_TOPIC_COMMENTS,
          env.OTKLIK_TOPIC_CLASSIFIED,
          env.OTKLIK_TOPIC_ALERTS,
          env.OTKLIK_TOPIC_DLQ,
          env.OTKLIK_TOPIC_ACTIONS,
        ] as string[],
      })
      .catch(() => undefined);
    await admin?.deleteGroups([env.OTKLIK_GROUP_ID as string]).catch(() => undefined);
    await admin?.disconnect();
    const redis = redises.get(stack);
    if (redis) await deleteKeys(redis, env);
    redis?.disconnect();
  }
});

async function start(stack: Stack, onStateLost?: (error: StateLostError) => void) {
  const app = await startApp(loadConfig(stack.env), stack.logger, {
    roles: ['worker', 'sweeper'],
    onStateLost,
  });
  apps.set(stack, app);
  return app;
}

const send = (stack: Stack, events: CommentEvent[]) =>
  produce(
    producer,
    stack.env.OTKLIK_TOPIC_COMMENTS as string,
    events.map((e) => messageOf(e)),
  );

/** Sends operator actions and waits until the worker has applied them (its group committed them). */
async function act(stack: Stack, actions: ReturnType<typeof action>[]) {
  await produce(
    producer,
    stack.env.OTKLIK_TOPIC_ACTIONS as string,
    actions.map((a) => ({ key: a.comment_key, value: encodeOperatorAction(a) })),
  );
  await waitUntilAllCommitted(
    admins.get(stack)!,
    stack.env.OTKLIK_GROUP_ID as string,
    stack.env.OTKLIK_TOPIC_ACTIONS as string,
    30_000,
  );
}

async function alertIds(stack: Stack): Promise<string[]> {
  const messages = await readToEnd(stack.kafka, admins.get(stack)!, stack.env.OTKLIK_TOPIC_ALERTS as string);
  return messages.map((m) => defaultCodecs().slaAlert.decode(m.value as Buffer).alert_id);
}

/** Every input committed and `alerts` distinct alerts published. */
async function settled(stack: Stack, alerts: number) {
  await waitUntilAllCommitted(
    admins.get(stack)!,
    stack.env.OTKLIK_GROUP_ID as string,
    stack.env.OTKLIK_TOPIC_COMMENTS as string,
    30_000,
  );
  await until(
    `${alerts} alerts`,
    async () => (new Set(await alertIds(stack)).size >= alerts ? true : undefined),
    30_000,
  );
}

/** What the test compares: every counter row, and the overdue comments with their next alert. */
async function state(stack: Stack) {
  const reader = new SlaReader(redises.get(stack)!, {
    prefix: stack.env.OTKLIK_KEY_PREFIX as string,
    shards: Number(stack.env.OTKLIK_SHARDS),
  });
  const counters = await reader.counters();
  const scan = await reader.deadlines({ limit: 1_000 });
  const overdueItems = scan.overdue
    .map((c) => `${c.commentKey} ${c.nextAlert ? `${c.nextAlert.kind}/${c.nextAlert.level}` : '-'}`)
    .sort();
  const redis = redises.get(stack)!;
  const keys = new SlaKeys(stack.env.OTKLIK_KEY_PREFIX as string);
  const shards = Number(stack.env.OTKLIK_SHARDS);
  const finalAnswers = totalsOf(await readTargetCounterRows(redis, keys, shards, 'final_'));
  const nextReplies = totalsOf(await readTargetCounterRows(redis, keys, shards, 'next_'));
  const lifecycle = (await reader.lifecycleGaugeRows()).map((row) => JSON.stringify(row)).sort();
  return {
    counters,
    overdueItems,
    dueWithin: scan.dueWithin,
    overdueTotal: scan.overdueTotal,
    finalAnswers,
    nextReplies,
    lifecycle,
  };
}

describe('otklik sla rebuild', () => {
  it('rebuilds a lost prefix from the log: the rest of the stream ends as if nothing was lost', async () => {
    // The reference run (the three phases, nothing lost) and the run with the loss, side by side.
    const referenceRun = async () => {
      await start(reference);
      await send(reference, phase1);
      await settled(reference, old.length * 4);
      await act(reference, actions1);
      await send(reference, phase2);
      await settled(reference, (old.length + later.length) * 4);
      await send(reference, phase3);
      await act(reference, actions3);
      await settled(reference, OWED_ALERTS);
    };
    const lossyRun = async () => {
      // The same stream, its keys deleted while the second phase flows.
      let lost: StateLostError | undefined;
      await start(lossy, (error) => (lost = error));
      await send(lossy, phase1);
      await settled(lossy, old.length * 4);
      await act(lossy, actions1);
      await send(lossy, phase2);
      expect(await deleteKeys(redises.get(lossy)!, lossy.env)).toBeGreaterThan(0);
      await until('the roles to notice the loss', () => Promise.resolve(lost), 10_000);
      await apps.get(lossy)!.close();

      const cli = async (...argv: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: lossy.env });
        return { code, out: out.join('\n'), err: err.join('\n') };
      };
      expect((await cli('sla', 'rebuild')).code).toBe(2);
      const rebuilt = await cli('sla', 'rebuild', '--stopped');
      expect(rebuilt.err).not.toContain('error');
      expect(rebuilt.code).toBe(0);
      const report = JSON.parse(rebuilt.out) as { acked: number; classified: number; keysWritten: number };
      expect(report.acked).toBeGreaterThanOrEqual(old.length * 4);
      expect(report.keysWritten).toBeGreaterThan(0);
      expect(JSON.parse((await cli('state', 'show')).out)).toMatchObject({ decision: { kind: 'intact' } });

      // The roles start on the rebuilt keys without being told anything; the rest of the stream follows.
      await start(lossy);
      await settled(lossy, (old.length + later.length) * 4);
      await send(lossy, phase3);
      await act(lossy, actions3);
      await settled(lossy, OWED_ALERTS);
    };
    await Promise.all([referenceRun(), lossyRun()]);

    const [expected, observed] = [await state(reference), await state(lossy)];
    expect(expected.counters.totals).toMatchObject({ breached: old.length + later.length + last.length });
    expect(expected.overdueItems.length).toBeGreaterThan(0);
    // Final answers started by the replies, two given; the gauges of those still open.
    expect(expected.finalAnswers).toMatchObject({ opened: 32, answered_in_time: 2 });
    expect(expected.nextReplies).toMatchObject({ opened: 1 });
    expect(expected.lifecycle.length).toBeGreaterThan(0);
    expect(observed).toEqual(expected);
    const [refAlerts, lossAlerts] = [await alertIds(reference), await alertIds(lossy)];
    expect(new Set(refAlerts).size).toBe(OWED_ALERTS);
    expect(new Set(lossAlerts)).toEqual(new Set(refAlerts));
  });
});

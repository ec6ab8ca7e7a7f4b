/**
 * An incident's raise under the appeal lifecycle, on a real Redis (docs/incidents.md#consequences): the
 * raise goes through the lifecycle, so the appeal's state, its records and their deadlines agree on the
 * raised priority, and later steps (pause, resume, resolve, a reply, a correction) count in the raised
 * bucket. The script's own raise rewrote the first-reply record alone: a PAUSED, RESUMED, RESOLVED after
 * it left `open|high` at 1 and `open|normal` at -1. A repeat of the raise changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import {
  readCounterRows,
  readLifecycleGaugeRows,
  readTargetCounterRows,
} from '../../../../services/adapters/redis/reader/counter-reads.js';
import { PriorityRaiser } from '../../../../services/adapters/redis/incidents/priority-raise.js';
import { parsePolicyConfig } from '../../../../services/core/sla/policy.js';
import type { AppealState } from '../../../../services/core/sla/appeal.js';
import { planClock } from '../../../../services/core/sla/appeal-clock.js';
import type { ActionCommand } from '../../../../services/core/sla/commands.js';
import type { OperatorAction } from '../../../../services/core/contracts/schema-types.generated.js';
import { isolatedStack } from '../../../support/fixture.js';
import { openCommand, serverNow } from './helpers.js';

const SHARDS = 4;
const stack = isolatedStack('priority-raise');
const prefix = stack.env.OTKLIK_KEY_PREFIX as string;
let redis: Redis;

beforeAll(() => {
  redis = stack.redis();
});
afterAll(async () => {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
});

const policy = parsePolicyConfig({
  targets: { critical: '1h', high: '2h', normal: '4h', low: '8h' },
  finalAnswer: { targets: { critical: '12h', high: '24h', normal: '48h', low: '72h' } },
});

describe('an incident raise under the appeal lifecycle', () => {
  it('re-plans at the raised priority, moves the gauges once, and later steps count in its bucket', async () => {
    const lc = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 600_000, policy });
    const lifecycle = lc.lifecycle!;
    const raiser = new PriorityRaiser(redis, {
      prefix,
      shards: SHARDS,
      steps: 1,
      markerTtlSeconds: 600,
      lifecycle,
    });
    const now = await serverNow(redis);
    const t0 = now - 60_000;
    const open = () => {
      const c = openCommand(t0, SHARDS, { priority: 'normal', policyId: 'p' });
      const reply = planClock(policy, { ...c, type: 'complaint' }, 'FIRST_REPLY', t0)!;
      return { ...c, warnAt: reply.warnAt, dueAt: reply.dueAt };
    };
    // answered: its final answer runs; paused: an operator paused its first reply; bare: a first-reply
    // record alone (no lifecycle state); corrected: answered too, reclassified after the raise.
    const [answered, paused, bare, corrected] = [open(), open(), open(), open()];
    type C = typeof answered;
    let n = 0;
    const act = (c: C, kind: OperatorAction['kind'], extra: Partial<OperatorAction> = {}): ActionCommand => ({
      kind: 'action',
      commentKey: c.commentKey,
      shard: c.shard,
      action: {
        action_id: `a-${++n}`,
        comment_key: c.commentKey,
        kind,
        operator_id: 'op',
        acted_at: now,
        note: null,
        assignment: null,
        pause_reason: kind === 'PAUSED' ? 'WAITING_FOR_AGENCY' : null,
        correction: null,
        ...extra,
      },
    });
    const reply = (c: C, at: number) =>
      ({ kind: 'answer', commentKey: c.commentKey, shard: c.shard, answeredAt: at }) as const;
    await lc.apply([
      answered,
      paused,
      bare,
      corrected,
      reply(answered, now - 30_000),
      reply(corrected, now - 30_000),
    ]);
    expect(await lc.act([act(paused, 'PAUSED')])).toEqual(['APPLIED']);

    const rows = async () => {
      const all = [
        ...(await readCounterRows(redis, lc.keys, SHARDS)),
        ...(await readTargetCounterRows(redis, lc.keys, SHARDS, 'final_')).map((r) => ({
          ...r,
          metric: `final_${r.metric}`,
        })),
        ...(await readLifecycleGaugeRows(redis, lc.keys, SHARDS)).filter((r) => r.metric === 'paused'),
      ];
      const out: Record<string, number> = {};
      for (const r of all)
        if (r.value !== 0 && !r.metric.startsWith('rt'))
          out[`${r.metric}|${r.category}|${r.priority}`] = r.value;
      return out;
    };
    const members = [answered, paused, bare, corrected].map((c) => c.commentKey);
    expect(await raiser.raise('inc-1', members)).toEqual(new Map([['RAISED', 4]]));
    const raised = await rows();
    expect(raised).toMatchObject({
      'opened|housing_utilities|normal': 4,
      'open|housing_utilities|high': 2,
      'final_open|housing_utilities|high': 2,
      'final_opened|housing_utilities|normal': 2,
      'paused|housing_utilities|high': 1,
    });
    for (const gone of ['open', 'final_open', 'paused'])
      expect(raised[`${gone}|housing_utilities|normal`]).toBeUndefined();
    const state = async (c: C) =>
      JSON.parse((await redis.hget(lc.keys.appeal(c.shard, c.commentKey), 's')) as string) as AppealState;
    // The bare record got its state; its first reply is planned at the high target from posted_at.
    const bareState = await state(bare);
    expect(bareState.subject.priority).toBe('high');
    expect(bareState.raisedFrom).toBe('normal');
    const high = planClock(policy, bareState.subject, 'FIRST_REPLY', t0)!;
    expect(bareState.reply?.dueAt).toBe(high.dueAt);
    expect(high.dueAt).toBeLessThan(bare.dueAt);

    // A repeat, and a repeat after a crash between the raise and its marker, change nothing.
    expect(await raiser.raise('inc-1', members)).toEqual(new Map([['DUPLICATE', 4]]));
    await redis.del(raiser.markerKey(answered.commentKey));
    expect(await raiser.raise('inc-2', [answered.commentKey])).toEqual(new Map([['DUPLICATE', 1]]));
    expect(await rows()).toEqual(raised);

    // The reproduction: pause, resume, resolve after the raise; a reply; a correction of the category.
    expect(
      await lc.act([
        act(answered, 'PAUSED'),
        act(answered, 'RESUMED'),
        act(answered, 'RESOLVED'),
        act(paused, 'RESUMED'),
        act(paused, 'RESOLVED'),
        act(corrected, 'RECLASSIFIED', {
          correction: { category: 'roads_transport', type: null, priority: null, actionable: null },
        }),
      ]),
    ).toEqual(['APPLIED', 'APPLIED', 'APPLIED', 'APPLIED', 'APPLIED', 'APPLIED']);
    await lc.apply([reply(bare, now)]);
    const final = await rows();
    for (const [field, value] of Object.entries(final)) expect([field, value >= 0]).toEqual([field, true]);
    // By hand: every appeal was counted `opened` at normal (and two final answers, started before the
    // raise); the correction moved its appeal's and its final answer's `opened` from there to roads at
    // the priority they have (high); what was answered or started after the raise counts at high.
    expect(final).toEqual({
      'opened|housing_utilities|normal': 3,
      'opened|roads_transport|high': 1,
      'answered_in_time|housing_utilities|normal': 2,
      'answered_in_time|housing_utilities|high': 2,
      'final_opened|housing_utilities|normal': 1,
      'final_opened|housing_utilities|high': 1,
      'final_opened|roads_transport|high': 1,
      'final_open|housing_utilities|high': 1,
      'final_open|roads_transport|high': 1,
      'final_answered_in_time|housing_utilities|high': 2,
    });
    expect((await state(corrected)).raisedFrom).toBeUndefined();
  });
});

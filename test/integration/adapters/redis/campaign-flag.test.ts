/**
 * incident_campaign.lua on a real Redis: a campaign's members are flagged and their first-reply SLA is
 * cancelled (counted once, as `cancelled`); a member the worker has not opened yet never opens one; a
 * repeat changes nothing; with cancelling off a member is only flagged and its SLA stays open. Under
 * the appeal lifecycle the cancel is the lifecycle's: the appeal's state says CANCELLED, its final answer
 * ends too, and a later reply or action counts nothing a second time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { readCounterRows } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { readTargetCounterRows } from '../../../../services/adapters/redis/reader/counter-reads.js';
import { totalsOf } from '../../../../services/core/sla/counters.js';
import {
  CampaignFlagger,
  campaignFlagKey,
} from '../../../../services/adapters/redis/incidents/campaign-flag.js';
import { unansweredMembers } from '../../../../services/adapters/redis/incidents/unanswered.js';
import { memberStates } from '../../../../services/adapters/redis/incidents/member-states.js';
import { isolatedStack } from '../../../support/fixture.js';
import { openCommand, serverNow } from './helpers.js';
import { parsePolicyConfig } from '../../../../services/core/sla/policy.js';
import type { ActionCommand } from '../../../../services/core/sla/commands.js';

const SHARDS = 4;
const stack = isolatedStack('campaign-flag');
const prefix = stack.env.OTKLIK_KEY_PREFIX as string;
let redis: Redis;
let store: SlaStore;

beforeAll(() => {
  redis = stack.redis();
  store = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 600_000 });
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

const totals = async () => totalsOf(await readCounterRows(redis, store.keys, SHARDS));
const flagger = (cancelSla: boolean) =>
  new CampaignFlagger(redis, { prefix, shards: SHARDS, cancelSla, retentionMs: 600_000 });

describe('campaign members', () => {
  it('are flagged and open no SLA of their own, once whatever repeats', async () => {
    const now = await serverNow(redis);
    const opened = [0, 1, 2].map(() => openCommand(now, SHARDS, { dueAt: now + 3_600_000 }));
    const late = openCommand(now, SHARDS, { dueAt: now + 3_600_000 });
    const answered = openCommand(now, SHARDS, { dueAt: now + 3_600_000 });
    await store.apply([
      ...opened,
      answered,
      { kind: 'answer', commentKey: answered.commentKey, shard: answered.shard, answeredAt: now },
    ]);
    const before = await totals();
    expect(before.open).toBe(3);

    const members = [...opened, late, answered].map((c) => c.commentKey);
    const outcomes = await flagger(true).flag('camp-1', members);
    expect(outcomes).toEqual(
      new Map([
        ['CANCELLED', 3],
        ['DELETED_EARLY', 1],
        ['NOT_OPEN', 1],
      ]),
    );
    for (const c of [...opened, late, answered])
      expect(await redis.get(campaignFlagKey(store.keys, c.shard, c.commentKey))).toBe('camp-1');
    expect(await unansweredMembers(redis, { prefix, shards: SHARDS }, members)).toEqual([]);
    expect(
      (await memberStates(redis, { prefix, shards: SHARDS }, members)).map((m) => [m.open, m.campaign]),
    ).toEqual(members.map(() => [false, 'camp-1']));

    // The worker reaches the comment only now: no SLA opens, and it is counted once.
    expect(await store.apply([late])).toEqual(['DELETED_BEFORE']);
    const after = await totals();
    expect(after.open).toBe(0);
    expect(after.cancelled - before.cancelled).toBe(4);
    expect(after.opened).toBe(before.opened);

    // Repeats (a publish retried after a crash, the member in a later UPDATED) change nothing.
    expect(await flagger(true).flag('camp-1', members)).toEqual(new Map([['DUPLICATE', 5]]));
    expect(await store.apply([late, ...opened])).toEqual([
      'DUPLICATE',
      'DUPLICATE',
      'DUPLICATE',
      'DUPLICATE',
    ]);
    expect(await totals()).toEqual(after);
  });

  it('with cancelling off, flags only and the SLA stays open', async () => {
    const now = await serverNow(redis);
    const c = openCommand(now, SHARDS, { dueAt: now + 3_600_000 });
    c.url = `https://vk.com/wall-1_2?reply=${c.commentId}`;
    await store.apply([c]);
    const before = await totals();
    expect(await flagger(false).flag('camp-2', [c.commentKey])).toEqual(new Map([['FLAGGED', 1]]));
    expect(await redis.get(campaignFlagKey(store.keys, c.shard, c.commentKey))).toBe('camp-2');
    expect(await unansweredMembers(redis, { prefix, shards: SHARDS }, [c.commentKey])).toEqual([
      c.commentKey,
    ]);
    expect(await totals()).toEqual(before);
    // What the board reads: still waiting, its link from the record, its campaign.
    expect(await memberStates(redis, { prefix, shards: SHARDS }, [c.commentKey])).toEqual([
      { key: c.commentKey, open: true, url: c.url, campaign: 'camp-2' },
    ]);
  });

  it('under the appeal lifecycle, the cancel goes through it: state and records agree, nothing counted twice', async () => {
    const policy = parsePolicyConfig({
      targets: { critical: '1h', high: '1h', normal: '1h', low: '1h' },
      finalAnswer: { targets: { critical: '4h', high: '4h', normal: '4h', low: '4h' } },
    });
    const lc = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 600_000, policy });
    const now = await serverNow(redis);
    // One with a lifecycle state and its first reply open (an operator assigned it), one answered (its
    // final answer runs), one not seen yet.
    const assigned = openCommand(now - 60_000, SHARDS);
    const answered = openCommand(now - 60_000, SHARDS);
    const unseen = openCommand(now - 60_000, SHARDS);
    const action = (c: typeof assigned, kind: 'ASSIGNED' | 'PAUSED', id: string): ActionCommand => ({
      kind: 'action',
      commentKey: c.commentKey,
      shard: c.shard,
      action: {
        action_id: id,
        comment_key: c.commentKey,
        kind,
        operator_id: 'op',
        acted_at: now,
        note: null,
        assignment: kind === 'ASSIGNED' ? { agency: 'roads', executor: null } : null,
        pause_reason: kind === 'PAUSED' ? 'WAITING_FOR_AGENCY' : null,
        correction: null,
      },
    });
    const reply = (c: typeof assigned, at: number) =>
      ({ kind: 'answer', commentKey: c.commentKey, shard: c.shard, answeredAt: at }) as const;
    await lc.apply([assigned, answered, reply(answered, now - 30_000)]);
    expect(await lc.act([action(assigned, 'ASSIGNED', 'as-1')])).toEqual(['APPLIED']);
    const before = await totals();
    const members = [assigned, answered, unseen].map((c) => c.commentKey);
    const camp = new CampaignFlagger(redis, {
      prefix,
      shards: SHARDS,
      cancelSla: true,
      retentionMs: 600_000,
      lifecycle: lc.lifecycle,
    });
    expect(await camp.flag('camp-3', members)).toEqual(
      new Map([
        ['CANCELLED', 2],
        ['DELETED_EARLY', 1],
      ]),
    );
    const state = async (c: typeof assigned) =>
      JSON.parse((await redis.hget(lc.keys.appeal(c.shard, c.commentKey), 's')) as string) as {
        status: string;
        reply: unknown;
        final: unknown;
      };
    expect(await state(assigned)).toMatchObject({ status: 'CANCELLED', reply: null, final: null });
    expect(await state(answered)).toMatchObject({ status: 'CANCELLED', reply: null, final: null });
    const after = await totals();
    expect(after.open).toBe(before.open - 1);
    expect(after.cancelled - before.cancelled).toBe(1);
    // Afterwards: the reply, a pause, the comment not seen yet, and the campaign again change nothing.
    expect(await lc.apply([reply(assigned, now), unseen])).toEqual(['DUPLICATE', 'DELETED_BEFORE']);
    expect(await lc.act([action(answered, 'PAUSED', 'pa-1')])).toEqual(['IGNORED']);
    expect(await camp.flag('camp-3', members)).toEqual(new Map([['DUPLICATE', 3]]));
    const final = await totals();
    expect(final.answered_in_time).toBe(after.answered_in_time);
    expect(final.cancelled - after.cancelled).toBe(1);
    expect(final.open).toBe(after.open);
    // The answered one's final answer ended as cancelled, once; no record of it is left.
    const finalRows = await readTargetCounterRows(redis, lc.keys, SHARDS, 'final_');
    const finals = totalsOf(finalRows);
    expect(finals).toMatchObject({ opened: 1, open: 0, cancelled: 1 });
  });
});

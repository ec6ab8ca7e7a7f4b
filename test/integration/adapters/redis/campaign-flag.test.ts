/**
 * incident_campaign.lua on a real Redis: a campaign's members are flagged and their first-reply SLA is
 * cancelled (counted once, as `cancelled`); a member the worker has not opened yet never opens one; a
 * repeat changes nothing; with cancelling off a member is only flagged and its SLA stays open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { readCounterRows } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { totalsOf } from '../../../../services/core/sla/counters.js';
import {
  CampaignFlagger,
  campaignFlagKey,
} from '../../../../services/adapters/redis/incidents/campaign-flag.js';
import { unansweredMembers } from '../../../../services/adapters/redis/incidents/unanswered.js';
import { memberStates } from '../../../../services/adapters/redis/incidents/member-states.js';
import { isolatedStack } from '../../../support/fixture.js';
import { openCommand, serverNow } from './helpers.js';

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
});

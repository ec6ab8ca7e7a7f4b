/**
 * A campaign through a detector shard on the real Redis, with the service's consequences: its members
 * opened SLAs (as the worker would), the campaign's events flag them and cancel those SLAs before the
 * events are published; a member the worker reaches later opens none; a redelivered chunk and a
 * republished outbox change nothing; an incident's members are raised, not flagged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { IncidentStore } from '../../../../services/adapters/redis/incidents/incident-store.js';
import {
  CampaignFlagger,
  campaignFlagKey,
} from '../../../../services/adapters/redis/incidents/campaign-flag.js';
import { PriorityRaiser } from '../../../../services/adapters/redis/incidents/priority-raise.js';
import { unansweredMembers } from '../../../../services/adapters/redis/incidents/unanswered.js';
import { readCounterRows } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { classify } from '../../../../services/core/classifier/index.js';
import {
  decodeIncidentEvent,
  encodeIncidentEvent,
  type IncidentEvent,
} from '../../../../services/core/contracts/index.js';
import { detectorCommentOf } from '../../../../services/core/incidents/comment.js';
import { totalsOf } from '../../../../services/core/sla/counters.js';
import { shardOf } from '../../../../services/core/sla/shard.js';
import { memberConsequences } from '../../../../services/roles/incidents/member-consequences.js';
import { ShardRunner, type ChunkRecord } from '../../../../services/roles/incidents/shard-runner.js';
import { isolatedStack } from '../../../support/fixture.js';
import { campaignKeys, campaignStream } from '../../../support/incident-burst.js';
import { openCommand, serverNow } from '../../adapters/redis/helpers.js';

const SHARDS = 4;
const stack = isolatedStack('incident-campaign');
const prefix = stack.env.OTKLIK_KEY_PREFIX as string;
let redis: Redis;
let sla: SlaStore;

beforeAll(() => {
  redis = stack.redis();
  sla = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 600_000 });
});
afterAll(async () => {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
});

const totals = async () => totalsOf(await readCounterRows(redis, sla.keys, SHARDS));

function runner(published: IncidentEvent[]): ShardRunner {
  const r = new ShardRunner({
    shard: 0,
    store: new IncidentStore(redis, `${prefix}:inc`),
    retentionMs: 72 * 3_600_000,
    lockTtlMs: 5_000,
    memberTtlSeconds: 3_600,
    encode: encodeIncidentEvent,
    logger: pino({ level: 'silent' }),
  });
  r.beforePublish = memberConsequences({
    raiser: new PriorityRaiser(redis, { prefix, shards: SHARDS, steps: 1, markerTtlSeconds: 600 }),
    campaigns: new CampaignFlagger(redis, { prefix, shards: SHARDS, cancelSla: true, retentionMs: 600_000 }),
  });
  r.publisher = async (messages) => {
    published.push(...messages.map((m) => decodeIncidentEvent(m.value)));
  };
  return r;
}

describe('campaign consequences', () => {
  it('flags a campaign’s members and cancels their SLAs once, through the shard runner', async () => {
    const tag = stack.id;
    const members = campaignKeys(tag);
    const now = await serverNow(redis);
    // The worker opened an SLA for all but the last two members (it is behind the incident service).
    const opens = members
      .slice(0, -2)
      .map((key) => openCommand(now, SHARDS, { commentId: key.slice(3), dueAt: now + 3_600_000 }));
    await sla.apply(opens);
    const before = await totals();

    const input: ChunkRecord[] = campaignStream(Date.UTC(2026, 0, 5, 6), tag).map((event, offset) => ({
      where: 'classified:0',
      offset,
      comment: detectorCommentOf(event, classify({ text: event.text, region: event.region })),
    }));
    const published: IncidentEvent[] = [];
    await runner(published).run(input);
    const opened = published.filter((e) => e.kind === 'OPENED');
    expect(opened.map((e) => e.type)).toEqual(['campaign']);
    expect(new Set(published.flatMap((e) => e.member_keys))).toEqual(new Set(members));

    for (const key of members)
      expect(await redis.get(campaignFlagKey(sla.keys, shardOf(key, SHARDS), key))).toBe(
        opened[0]?.incident_id,
      );
    expect(await unansweredMembers(redis, { prefix, shards: SHARDS }, members)).toEqual([]);
    const after = await totals();
    expect(after.open - before.open).toBe(-opens.length);
    expect(after.cancelled - before.cancelled).toBe(opens.length);

    // The worker reaches the last two: no SLA opens, each counted once.
    const lateOpens = members
      .slice(-2)
      .map((key) => openCommand(now, SHARDS, { commentId: key.slice(3), dueAt: now + 3_600_000 }));
    expect(await sla.apply(lateOpens)).toEqual(['DELETED_BEFORE', 'DELETED_BEFORE']);
    const settled = await totals();
    expect(settled.cancelled - before.cancelled).toBe(members.length);
    expect(settled.opened).toBe(before.opened);
    expect(settled.open - before.open).toBe(-opens.length);

    // A redelivered chunk, and the same events flagged again (an outbox republished after a crash).
    const again: IncidentEvent[] = [];
    await runner(again).run(input);
    expect(again).toEqual([]);
    await memberConsequences({
      campaigns: new CampaignFlagger(redis, {
        prefix,
        shards: SHARDS,
        cancelSla: true,
        retentionMs: 600_000,
      }),
    })?.(published.map((e) => ({ incidentId: e.incident_id, type: e.type, members: e.member_keys })));
    expect(await totals()).toEqual(settled);
  });
});

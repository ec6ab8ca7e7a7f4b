import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import { SlaReader, readCounterHash } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { planSla } from '../../../../services/core/sla/plan.js';
import { parsePolicyConfig } from '../../../../services/core/sla/policy.js';
import type { SlaCommand } from '../../../../services/core/sla/commands.js';
import type {
  Category,
  Classification,
  CommentEvent,
  Priority,
} from '../../../../services/core/contracts/schema-types.generated.js';
import { isolatedStack } from '../../../support/fixture.js';
import { commentEvent, officialReply } from '../../../support/comments.js';
import { serverNow } from './helpers.js';

const SHARDS = 4;
const policies = parsePolicyConfig({});
let redis: Redis;
let store: SlaStore;
let reader: SlaReader;

beforeAll(() => {
  const stack = isolatedStack('sla-replay');
  redis = stack.redis();
  const prefix = stack.env.OTKLIK_KEY_PREFIX as string;
  store = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 600_000 });
  reader = new SlaReader(redis, { prefix, shards: SHARDS });
});
afterAll(() => redis.disconnect());

const classified = (category: Category, priority: Priority, actionable: boolean): Classification => ({
  category,
  type: actionable ? 'complaint' : 'gratitude',
  priority,
  toxic: false,
  spam: false,
  actionable,
  confidence: 0.9,
  evidence: [],
  version: 'test',
  text_truncated: false,
});

const CATEGORIES: Category[] = ['housing_utilities', 'roads_transport', 'healthcare', 'ecology'];
const PRIORITIES: Priority[] = ['critical', 'high', 'normal', 'low'];

/**
 * A mixed stream in the order a consumer may see it: comments answered after and before they arrive,
 * deleted after and before, edited, redelivered, arriving long overdue, and comments that need no reply.
 */
function mixedStream(now: number) {
  const stream: { event: CommentEvent; classification: Classification }[] = [];
  const expected = { opened: 0, open: 0, answered: 0, cancelled: 0, not_actionable: 0 };
  const push = (event: CommentEvent, c: Classification) => stream.push({ event, classification: c });
  for (let i = 0; i < 240; i++) {
    const c = classified(CATEGORIES[i % 4] as Category, PRIORITIES[(i >> 2) % 4] as Priority, true);
    const lateArrival = i % 7 === 0;
    const comment = commentEvent({
      comment_id: `r${i}`,
      event_id: `r${i}-posted`,
      region: ['54', '77', '02'][i % 3] as string,
      municipality: i % 2 ? '50701000' : null,
      posted_at: lateArrival ? now - 3 * 86_400_000 : now - (i % 50) * 60_000,
      url: `https://vk.com/wall-1_${i}`,
    });
    const reply = officialReply(comment, comment.posted_at + ((i % 5) + 1) * 20 * 60_000);
    const deleted = { ...comment, op: 'DELETED' as const, event_id: `r${i}-deleted` };
    const edited = {
      ...comment,
      op: 'EDITED' as const,
      event_id: `r${i}-edited`,
      text: `${comment.text} (upd)`,
    };
    const cases: [CommentEvent[], Partial<typeof expected>][] = [
      // answered after it arrived, the reply redelivered
      [[comment, reply, reply], { opened: 1, answered: 1 }],
      // the reply arrived first
      [[reply, comment], { opened: 1, answered: 1 }],
      // edited, then deleted after it arrived
      [[comment, edited, deleted], { opened: 1, cancelled: 1 }],
      // the delete arrived first
      [[deleted, comment, deleted], { cancelled: 1 }],
      // still open, edited and redelivered
      [[comment, edited, comment], { opened: 1, open: 1 }],
    ];
    const chosen = cases[i % 6];
    if (chosen) {
      for (const event of chosen[0]) push(event, c);
      for (const [metric, n] of Object.entries(chosen[1])) expected[metric as keyof typeof expected] += n;
    } else {
      // needs no reply: thanks, and a media outlet's post
      push(comment, classified('other', 'low', false));
      push(commentEvent({ comment_id: `m${i}`, author: { id: 'media-1', kind: 'MEDIA' } }), c);
      expected.not_actionable += 2;
    }
  }
  return { stream, expected };
}

async function snapshot() {
  const shards = await Promise.all(
    Array.from({ length: SHARDS }, async (_, s) => ({
      cnt: await readCounterHash(redis, store.keys, s),
      daily: await redis.hgetall(store.keys.daily(s)),
      today: (
        await redis.getBuffer(store.keys.dayBits(s, Math.floor((await serverNow(redis)) / 86_400_000)))
      )?.toString('hex'),
    })),
  );
  const deadlines = await reader.deadlines({ limit: 1000, horizonMs: 86_400_000 });
  return {
    shards,
    dueWithin: deadlines.dueWithin,
    overdue: deadlines.overdue.map((o) => `${o.commentKey}@${o.dueAt}`),
  };
}

describe('replaying an event stream through planSla and SlaStore.apply', () => {
  it('leaves identical counters and deadlines the second time', async () => {
    const now = await serverNow(redis);
    const { stream, expected } = mixedStream(now);
    const commands = stream
      .map(({ event, classification }) =>
        planSla(event, classification, policies, { shards: SHARDS, excerptChars: 140 }),
      )
      .map((plan) => plan.command)
      .filter((c): c is SlaCommand => c !== null);

    const applyInChunks = async (size: number) => {
      const outcomes = [];
      for (let i = 0; i < commands.length; i += size)
        outcomes.push(...(await store.apply(commands.slice(i, i + size))));
      return outcomes;
    };
    const first = await applyInChunks(50);
    const afterFirst = await snapshot();
    const second = await applyInChunks(33);
    const afterSecond = await snapshot();

    expect(afterSecond).toEqual(afterFirst);
    expect(second.every((o) => o === 'DUPLICATE')).toBe(true);
    expect(new Set(first)).toEqual(
      new Set([
        'OPENED',
        'ANSWERED',
        'ANSWERED_EARLY',
        'ANSWERED_BEFORE',
        'CANCELLED',
        'DELETED_EARLY',
        'DELETED_BEFORE',
        'RECORDED',
        'DUPLICATE',
      ]),
    );

    const totals = (await reader.counters()).totals;
    expect(totals).toMatchObject({
      opened: expected.opened,
      open: expected.open,
      cancelled: expected.cancelled,
      not_actionable: expected.not_actionable,
    });
    expect(totals.answered_in_time + totals.answered_late).toBe(expected.answered);
    // The late arrivals that are still open are overdue; the rest fall due later.
    expect(afterFirst.overdue.length).toBeGreaterThan(0);
    expect(afterFirst.overdue.length + afterFirst.dueWithin).toBe(expected.open);
  });
});

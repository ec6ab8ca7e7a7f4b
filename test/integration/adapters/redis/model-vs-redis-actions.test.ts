import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounterHash } from '../../../../services/adapters/redis/reader/sla-reader.js';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import type { OperatorActionKind } from '../../../../services/core/contracts/index.js';
import type { ActionCommand, OpenSlaCommand, SlaCommand } from '../../../../services/core/sla/commands.js';
import { SlaModel } from '../../../../services/core/sla/model.js';
import { isolatedStack } from '../../../support/fixture.js';
import { openCommand, serverNow } from './helpers.js';

/**
 * Model-based test of the operator actions applied so far (docs/sla-engine.md, first slice): random
 * histories of comments, official replies, operator actions (INTERIM_REPLY and the kinds only kept),
 * each action before or after its comment and resent with its action id, applied to Redis and to the
 * reference model, where an INTERIM_REPLY is the first reply's answer at acted_at, once per action id,
 * and a kept kind changes nothing. Every step returns the matching status; counters, markers and open
 * records end equal. (The comparison with the lifecycle model, SlaModel(policy), needs the final-answer
 * record in Redis: not built yet.)
 */
const RUNS = Number(process.env.MODEL_RUNS ?? 40);
const SHARDS = 2;
const MIN = 60_000;

type Op =
  | { t: 'comment'; i: number }
  | { t: 'reply'; i: number; afterMin: number }
  | { t: 'act'; i: number; a: number; kind: OperatorActionKind; afterMin: number }
  | { t: 'resend'; k: number };

const op = (n: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ t: fc.constant('comment'), i: fc.nat(n - 1) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('reply'),
        i: fc.nat(n - 1),
        afterMin: fc.integer({ min: 0, max: 120 }),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        t: fc.constant('act'),
        i: fc.nat(n - 1),
        a: fc.nat(3),
        kind: fc.constantFrom<OperatorActionKind>('INTERIM_REPLY', 'INTERIM_REPLY', 'ASSIGNED', 'RESOLVED'),
        afterMin: fc.integer({ min: 0, max: 120 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('resend'), k: fc.nat() }) },
  ) as fc.Arbitrary<Op>;

const history = fc
  .record({
    n: fc.integer({ min: 1, max: 4 }),
    postedMin: fc.array(fc.integer({ min: 0, max: 90 }), { minLength: 4, maxLength: 4 }),
  })
  .chain(({ n, postedMin }) =>
    fc.tuple(fc.constant(n), fc.constant(postedMin), fc.array(op(n), { minLength: 1, maxLength: 30 })),
  );

const stack = isolatedStack('model-actions');
let redis: Redis;
beforeAll(() => {
  redis = stack.redis();
});
afterAll(() => redis.disconnect());

describe('operator actions against the reference model', () => {
  it(
    'every random history with actions, early actions and resends ends equal',
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(history, async ([n, postedMin, ops]) => {
          const prefix = `${stack.env.OTKLIK_KEY_PREFIX as string}:${randomBytes(4).toString('hex')}`;
          try {
            await runHistory(prefix, n, postedMin, ops);
          } finally {
            const keys = await redis.keys(`${prefix}:*`);
            if (keys.length) await redis.del(...keys);
          }
        }),
        { numRuns: RUNS },
      );
    },
  );
});

async function runHistory(prefix: string, n: number, postedMin: number[], ops: Op[]) {
  const store = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 86_400_000 });
  const model = new SlaModel();
  const t0 = await serverNow(redis);
  // Due an hour after posting, posted up to 90 minutes ago: some are overdue when they arrive.
  const comments: OpenSlaCommand[] = Array.from({ length: n }, (_, i) => {
    const postedAt = t0 - (postedMin[i] ?? 0) * MIN;
    return openCommand(t0, SHARDS, {
      commentId: `c${i}-${prefix.slice(-8)}`,
      postedAt,
      warnAt: postedAt + 45 * MIN,
      dueAt: postedAt + 60 * MIN,
    });
  });
  const sent: ActionCommand[] = [];
  const seen = new Set<string>();

  const expectedOf = (command: ActionCommand, now: number): string => {
    if (seen.has(command.action.action_id)) return 'DUPLICATE';
    seen.add(command.action.action_id);
    if (command.action.kind !== 'INTERIM_REPLY') return 'KEPT';
    const status = model.apply(
      {
        kind: 'answer',
        commentKey: command.commentKey,
        shard: command.shard,
        answeredAt: command.action.acted_at,
      },
      now,
    );
    return status === 'DUPLICATE' ? 'IGNORED' : status;
  };
  const act = async (command: ActionCommand) => {
    const [status] = await store.act([command]);
    expect(status, `${command.action.kind} ${command.action.action_id}`).toBe(
      expectedOf(command, await serverNow(redis)),
    );
  };

  for (const o of ops) {
    if (o.t === 'comment' || o.t === 'reply') {
      const c = comments[o.i] as OpenSlaCommand;
      const command: SlaCommand =
        o.t === 'comment'
          ? c
          : {
              kind: 'answer',
              commentKey: c.commentKey,
              shard: c.shard,
              answeredAt: c.postedAt + o.afterMin * MIN,
            };
      const [status] = await store.apply([command]);
      expect(status, `${command.kind} ${command.commentKey}`).toBe(
        model.apply(command, await serverNow(redis)),
      );
    } else if (o.t === 'act') {
      const c = comments[o.i] as OpenSlaCommand;
      const command: ActionCommand = {
        kind: 'action',
        commentKey: c.commentKey,
        shard: c.shard,
        action: {
          action_id: `${c.commentKey}/a${o.a}`,
          comment_key: c.commentKey,
          kind: o.kind,
          operator_id: 'op',
          acted_at: c.postedAt + o.afterMin * MIN,
          note: null,
          assignment: o.kind === 'ASSIGNED' ? { agency: 'roads', executor: null } : null,
          pause_reason: null,
          correction: null,
        },
      };
      // The same action id names the same action: a second draw of it is a resend of the first.
      const first = sent.find((s) => s.action.action_id === command.action.action_id);
      const chosen = first ?? command;
      if (!first) sent.push(command);
      await act(chosen);
    } else if (sent.length > 0) {
      await act(sent[o.k % sent.length] as ActionCommand);
    }
  }

  const keys = store.keys;
  const counters: Record<string, number> = {};
  for (let shard = 0; shard < SHARDS; shard++)
    for (const [field, value] of Object.entries(await readCounterHash(redis, keys, shard)))
      if (Number(value) !== 0) counters[field] = (counters[field] ?? 0) + Number(value);
  const modelCounters = Object.fromEntries([...model.counters].filter(([, v]) => v !== 0));
  expect(counters, 'counters').toEqual(modelCounters);
  for (const c of comments) {
    const marker = await redis.get(keys.finished(c.shard, c.commentKey));
    const modelMarker = model.markers.get(c.commentKey);
    const expectedMarker =
      modelMarker?.m === 'e' ? `e${modelMarker.answeredAt.toString(36)}` : (modelMarker?.m ?? null);
    expect(marker, `marker of ${c.commentKey}`).toBe(expectedMarker);
    const open = (await redis.hexists(keys.record(c.shard, c.commentKey), c.commentKey)) === 1;
    expect(open, `open record of ${c.commentKey}`).toBe(model.open.has(c.commentKey));
    const kept = (await store.keptActions(c.shard, c.commentKey)).map((a) => a.action_id).sort();
    expect(kept, `kept actions of ${c.commentKey}`).toEqual(
      sent
        .filter((s) => s.commentKey === c.commentKey)
        .map((s) => s.action.action_id)
        .sort(),
    );
  }
}

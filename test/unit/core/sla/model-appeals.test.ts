import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  OperatorAction,
  OperatorActionKind,
} from '../../../../services/core/contracts/schema-types.generated.js';
import type { ActionCommand, SlaCommand } from '../../../../services/core/sla/commands.js';
import { SlaModel } from '../../../../services/core/sla/model.js';
import { parsePolicyConfig } from '../../../../services/core/sla/policy.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 24×7 so that the arithmetic reads plainly; business calendars are covered by appeal.test.ts. */
const POLICY = parsePolicyConfig({
  targets: { normal: '1h', critical: '10m' },
  warnFraction: 0.5,
  escalation: { every: '30m', maxLevel: 1 },
  finalAnswer: { targets: { normal: '4h', critical: '2h' } },
});
const DIM = '54|roads_transport|normal';

const open = (i: number, postedAt = 0, parent: string | null = null): SlaCommand => ({
  kind: 'open',
  commentKey: `VK:${i}`,
  shard: 0,
  platform: 'VK',
  commentId: String(i),
  threadId: 't',
  pageId: 'p',
  region: '54',
  municipality: null,
  category: 'roads_transport',
  priority: 'normal',
  type: 'complaint',
  postedAt,
  warnAt: postedAt + 30 * MIN,
  dueAt: postedAt + HOUR,
  policyId: 'default/normal',
  escalationIntervalMs: 30 * MIN,
  maxEscalationLevel: 1,
  excerpt: 'x',
  url: null,
  parentKey: parent,
});
const answer = (i: number, at: number, replyKey?: string, interim = false): SlaCommand => ({
  kind: 'answer',
  commentKey: `VK:${i}`,
  shard: 0,
  answeredAt: at,
  interim,
  ...(replyKey ? { replyKey } : {}),
});
const act = (
  i: number,
  kind: OperatorActionKind,
  actedAt: number,
  id = `${kind}-${i}-${actedAt}`,
  extra: Partial<OperatorAction> = {},
): ActionCommand => ({
  kind: 'action',
  commentKey: `VK:${i}`,
  shard: 0,
  action: {
    action_id: id,
    comment_key: `VK:${i}`,
    kind,
    operator_id: 'op',
    acted_at: actedAt,
    note: null,
    assignment: kind === 'ASSIGNED' ? { agency: 'roads', executor: null } : null,
    pause_reason: kind === 'PAUSED' ? 'WAITING_FOR_AGENCY' : null,
    correction: null,
    ...extra,
  },
});
const raise = (i: number, actedAt: number) =>
  act(i, 'RECLASSIFIED', actedAt, `raise-${i}`, {
    correction: { category: null, type: null, priority: 'critical', actionable: null },
  });

function sweep(model: SlaModel, now: number): string[] {
  const fired: string[] = [];
  for (let alerts = model.claim(now, MIN); alerts.length; alerts = model.claim(now, MIN)) {
    for (const a of alerts) if (model.ack(a)) fired.push(`${a.target ?? 'FIRST_REPLY'}:${a.kind}${a.level}`);
  }
  return fired;
}

describe('the reference model: the appeal lifecycle', () => {
  it('a paused appeal raises nothing; resumed, its final answer breaches later by the pause', () => {
    const model = new SlaModel(POLICY);
    model.apply(open(1), 0);
    expect(model.act(act(1, 'INTERIM_REPLY', 10 * MIN), 10 * MIN)).toBe('APPLIED');
    expect(model.counters.get(`answered_in_time|${DIM}`)).toBe(1);
    expect(model.counters.get(`final_open|${DIM}`)).toBe(1);
    expect(model.act(act(1, 'PAUSED', 20 * MIN), 20 * MIN)).toBe('APPLIED');
    expect(sweep(model, 10 * HOUR)).toEqual([]);
    model.act(act(1, 'RESUMED', 10 * HOUR), 10 * HOUR);
    // Due at 10 m + 4 h + 9 h 40 m paused = 13 h 50 m; the stale WARNING gives way to the BREACH.
    expect(model.open.get('VK:1#final')?.dueAt).toBe(13 * HOUR + 50 * MIN);
    expect(sweep(model, 13 * HOUR)).toEqual(['FINAL_ANSWER:WARNING0']);
    expect(sweep(model, 14 * HOUR)).toEqual(['FINAL_ANSWER:BREACH0']);
    expect(sweep(model, 15 * HOUR)).toEqual(['FINAL_ANSWER:ESCALATION1']);
    expect(model.counters.get(`final_breached|${DIM}`)).toBe(1);
    expect(model.counters.get(`final_overdue|${DIM}`)).toBe(1);
    model.act(act(1, 'RESOLVED', 16 * HOUR), 16 * HOUR);
    expect(model.counters.get(`final_answered_late|${DIM}`)).toBe(1);
    expect(model.counters.get(`final_overdue|${DIM}`)).toBe(0);
    expect(model.counters.get(`final_open|${DIM}`)).toBe(0);
    expect(model.open.size).toBe(0);
  });

  it("an incident's raise moves the gauges once; a pause, resume and resolve after it count in the raised bucket", () => {
    const model = new SlaModel(POLICY);
    const HIGH = '54|roads_transport|high';
    model.apply(open(1), 0);
    model.apply(answer(1, 10 * MIN), 10 * MIN);
    expect(model.appeals!.raise('VK:1', 1, 20 * MIN)).toBe('RAISED');
    expect(model.appeals!.raise('VK:1', 1, 21 * MIN)).toBe('DUPLICATE');
    expect(model.counters.get(`final_open|${HIGH}`)).toBe(1);
    expect(model.counters.get(`final_open|${DIM}`)).toBe(0);
    expect(model.counters.get(`opened|${DIM}`)).toBe(1);
    model.act(act(1, 'PAUSED', 30 * MIN), 30 * MIN);
    expect(model.counters.get(`paused|${HIGH}`)).toBe(1);
    model.act(act(1, 'RESUMED', 40 * MIN), 40 * MIN);
    model.act(act(1, 'RESOLVED', 50 * MIN), 50 * MIN);
    for (const [field, value] of model.counters) expect([field, value >= 0]).toEqual([field, true]);
    expect(model.counters.get(`final_answered_in_time|${HIGH}`)).toBe(1);
    expect(model.counters.get(`final_open|${HIGH}`)).toBe(0);
    expect(model.counters.get(`paused|${HIGH}`)).toBe(0);
    // A correction after a raise moves each `opened` from where it was counted (normal), once.
    model.apply(open(2), 0);
    model.apply(answer(2, 10 * MIN), 10 * MIN);
    model.appeals!.raise('VK:2', 1, 20 * MIN);
    model.act(
      act(2, 'RECLASSIFIED', 30 * MIN, 'fix-2', {
        correction: { category: 'housing_utilities', type: null, priority: null, actionable: null },
      }),
      30 * MIN,
    );
    const FIXED = '54|housing_utilities|high';
    for (const [field, value] of model.counters) expect([field, value >= 0]).toEqual([field, true]);
    expect(model.counters.get(`opened|${DIM}`)).toBe(1);
    expect(model.counters.get(`opened|${FIXED}`)).toBe(1);
    expect(model.counters.get(`final_opened|${DIM}`)).toBe(1);
    expect(model.counters.get(`final_opened|${FIXED}`)).toBe(1);
    expect(model.counters.get(`final_open|${FIXED}`)).toBe(1);
  });

  it('an action before its comment is kept and applied when the comment arrives', () => {
    const model = new SlaModel(POLICY);
    expect(model.act(act(1, 'PAUSED', 5 * MIN), 5 * MIN)).toBe('PENDING');
    expect(model.act(act(1, 'PAUSED', 5 * MIN), 5 * MIN)).toBe('DUPLICATE');
    expect(model.apply(open(1), 6 * MIN)).toBe('OPENED');
    expect(model.appeals!.states.get('VK:1')?.pause).toMatchObject({ since: 5 * MIN });
    expect(sweep(model, 5 * HOUR)).toEqual([]);
    expect(model.act(act(1, 'PAUSED', 5 * MIN), 5 * HOUR)).toBe('DUPLICATE');
  });

  it('raised to critical: the critical target from posted_at, an immediate BREACH, counters moved once', () => {
    const model = new SlaModel(POLICY);
    model.apply(open(1), 0);
    expect(sweep(model, 20 * MIN)).toEqual([]);
    expect(model.act(raise(1, 20 * MIN), 20 * MIN)).toBe('APPLIED');
    expect(model.act(raise(1, 20 * MIN), 21 * MIN)).toBe('DUPLICATE');
    const CRIT = '54|roads_transport|critical';
    expect(model.counters.get(`opened|${DIM}`)).toBe(0);
    expect(model.counters.get(`opened|${CRIT}`)).toBe(1);
    expect(model.counters.get(`open|${CRIT}`)).toBe(1);
    expect(sweep(model, 20 * MIN)).toEqual(['FIRST_REPLY:BREACH0']);
    expect(model.counters.get(`breached|${CRIT}`)).toBe(1);
    expect(model.appeals!.corrections).toEqual([
      expect.objectContaining({ commentKey: 'VK:1', actionId: 'raise-1' }),
    ]);
  });

  it("a citizen's follow-up under the official reply starts a next reply, answered under the follow-up", () => {
    const model = new SlaModel(POLICY);
    model.apply(open(1), 0);
    expect(model.apply(answer(1, 10 * MIN, 'VK:100'), 10 * MIN)).toBe('ANSWERED');
    expect(model.apply(open(2, 20 * MIN, 'VK:100'), 20 * MIN)).toBe('FOLLOW_UP');
    expect(model.apply(open(2, 20 * MIN, 'VK:100'), 21 * MIN)).toBe('DUPLICATE');
    expect(model.counters.get(`next_open|${DIM}`)).toBe(1);
    expect(model.counters.get(`opened|${DIM}`)).toBe(1);
    // A bare template does not answer it; a real reply to the follow-up does.
    expect(model.apply(answer(2, 30 * MIN, 'VK:101', true), 30 * MIN)).toBe('DUPLICATE');
    expect(model.apply(answer(2, 40 * MIN, 'VK:102'), 40 * MIN)).toBe('ANSWERED');
    expect(model.counters.get(`next_answered_in_time|${DIM}`)).toBe(1);
    expect(model.counters.get(`next_open|${DIM}`)).toBe(0);
  });

  it('a follow-up after RESOLVED reopens the appeal; NOT_ACTIONABLE closes it, counted apart', () => {
    const model = new SlaModel(POLICY);
    model.apply(open(1), 0);
    model.apply(answer(1, 10 * MIN, 'VK:100'), 10 * MIN);
    model.act(act(1, 'RESOLVED', 20 * MIN), 20 * MIN);
    expect(model.counters.get(`final_answered_in_time|${DIM}`)).toBe(1);
    expect(model.apply(open(2, 30 * MIN, 'VK:100'), 30 * MIN)).toBe('FOLLOW_UP');
    expect(model.appeals!.states.get('VK:1')).toMatchObject({ status: 'OPEN', reopened: 1 });
    expect(model.act(act(1, 'NOT_ACTIONABLE', 40 * MIN), 40 * MIN)).toBe('APPLIED');
    expect(model.counters.get(`not_actionable|${DIM}`)).toBe(1);
    expect(model.counters.get(`next_open|${DIM}`)).toBe(0);
    expect(sweep(model, 10 * HOUR)).toEqual([]);
  });

  it('under reopen: new-appeal a follow-up after RESOLVED opens its own appeal; the resolved one stays', () => {
    const model = new SlaModel({ ...POLICY, reopen: 'new-appeal' });
    model.apply(open(1), 0);
    model.apply(answer(1, 10 * MIN, 'VK:100'), 10 * MIN);
    model.act(act(1, 'RESOLVED', 20 * MIN), 20 * MIN);
    const resolved = model.appeals!.states.get('VK:1');
    expect(model.apply(open(2, 30 * MIN, 'VK:100'), 30 * MIN)).toBe('OPENED');
    expect(model.appeals!.states.get('VK:1')).toBe(resolved);
    expect(model.counters.get(`opened|${DIM}`)).toBe(2);
    expect(model.apply(open(2, 30 * MIN, 'VK:100'), 31 * MIN)).toBe('DUPLICATE');
  });
});

const ACTIONS: OperatorActionKind[] = [
  'ASSIGNED',
  'INTERIM_REPLY',
  'PAUSED',
  'RESUMED',
  'RESOLVED',
  'REOPENED',
  'NOT_ACTIONABLE',
];
const actionArb = fc
  .record({ i: fc.nat(2), kind: fc.constantFrom(...ACTIONS, 'RECLASSIFIED' as const), at: fc.nat(600) })
  .map(({ i, kind, at }) =>
    kind === 'RECLASSIFIED'
      ? act(i, kind, at * MIN, `r-${i}-${at}`, {
          correction: {
            category: null,
            type: null,
            priority: at % 2 ? 'critical' : 'normal',
            actionable: at % 7 === 0 ? false : null,
          },
        })
      : act(i, kind, at * MIN),
  );
type Step = { command: SlaCommand | ActionCommand; now: number };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc
    .record({ i: fc.nat(2), at: fc.nat(600) })
    .map(({ i, at }) => ({ command: open(i, at * MIN), now: at * MIN })),
  fc
    .record({ i: fc.nat(2), at: fc.nat(600), r: fc.nat(3) })
    .map(({ i, at, r }) => ({ command: answer(i, at * MIN, `VK:${100 + r}`, r === 0), now: at * MIN })),
  fc
    .record({ i: fc.nat(2), at: fc.nat(600), p: fc.nat(3) })
    .map(({ i, at, p }) => ({ command: open(10 + i, at * MIN, `VK:${100 + p}`), now: at * MIN })),
  actionArb.map((command) => ({ command, now: command.action.acted_at })),
);

function run(model: SlaModel, step: Step): string {
  return step.command.kind === 'action'
    ? model.act(step.command, step.now)
    : model.apply(step.command, step.now);
}
const snapshot = (model: SlaModel) => ({
  counters: Object.fromEntries([...model.counters].filter(([, v]) => v !== 0)),
  markers: model.markers,
  open: model.open,
  states: model.appeals!.states,
});

describe('the reference model: properties of histories with actions', () => {
  it('delivering every command and action twice changes nothing', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const once = new SlaModel(POLICY);
        const twice = new SlaModel(POLICY);
        for (const step of steps) {
          run(once, step);
          run(twice, step);
          run(twice, step);
        }
        expect(snapshot(twice)).toEqual(snapshot(once));
      }),
      { numRuns: 300 },
    );
  });

  it('actions that arrive before their comment end as if the comment had come first', () => {
    fc.assert(
      fc.property(fc.array(actionArb, { maxLength: 12 }), fc.nat(600), (actions, openAt) => {
        const mine = actions.map((a) =>
          act(0, a.action.kind, a.action.acted_at, a.action.action_id, a.action),
        );
        const now = 700 * MIN;
        const early = new SlaModel(POLICY);
        for (const a of mine) early.act(a, now);
        early.apply(open(0, openAt * MIN), now);
        const late = new SlaModel(POLICY);
        late.apply(open(0, openAt * MIN), now);
        for (const a of mine) late.act(a, now);
        expect(snapshot(early)).toEqual(snapshot(late));
      }),
      { numRuns: 300 },
    );
  });

  it('official replies and actions before their comment end as if the comment had come first', () => {
    // Reply r is one reply (its key, time and kind), so that a second draw of it is a redelivery.
    const reply = (openAt: number, r: number) =>
      answer(0, (openAt + [30, 0, 90, 45][r]!) * MIN, `VK:${100 + r}`, r === 3);
    const inputArb = fc.oneof(
      fc.record({ r: fc.nat(3) }),
      actionArb.map((a) => act(0, a.action.kind, a.action.acted_at, a.action.action_id, a.action)),
    );
    fc.assert(
      fc.property(fc.array(inputArb, { maxLength: 12 }), fc.nat(300), fc.nat(3), (inputs, openAt, under) => {
        const now = 700 * MIN;
        const replies = inputs.flatMap((x) => ('r' in x ? [reply(openAt, x.r)] : []));
        const actions = inputs.flatMap((x) => ('r' in x ? [] : [x]));
        // A citizen's comment under one of the replies, after them all.
        const followUp = open(5, 600 * MIN, `VK:${100 + under}`);
        const early = new SlaModel(POLICY);
        for (const x of inputs) {
          if ('r' in x) early.apply(reply(openAt, x.r), now);
          else early.act(x, now);
        }
        const opened = early.apply(open(0, openAt * MIN), now);
        const earlyFollow = early.apply(followUp, now);
        // The other order: the comment, its replies in time order (the first is the first reply), then
        // the actions as they came.
        const late = new SlaModel(POLICY);
        late.apply(open(0, openAt * MIN), now);
        const byTime = replies.sort((a, b) =>
          'answeredAt' in a && 'answeredAt' in b ? a.answeredAt - b.answeredAt : 0,
        );
        for (const r of byTime) late.apply(r, now);
        for (const a of actions) late.act(a, now);
        expect(opened).toBe(replies.length ? 'ANSWERED_BEFORE' : 'OPENED');
        expect(late.apply(followUp, now)).toBe(earlyFollow);
        expect({ ...snapshot(early), links: early.appeals!.links }).toEqual({
          ...snapshot(late),
          links: late.appeals!.links,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('counters stay consistent: gauges never negative, and equal to the records open', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const model = new SlaModel(POLICY);
        for (const step of steps) {
          run(model, step);
          model.claim(step.now, MIN).forEach((a) => model.ack(a));
        }
        for (const [field, value] of model.counters) {
          if (/^(next_|final_)?(open|overdue)\|/.test(field)) expect(value, field).toBeGreaterThanOrEqual(0);
        }
        const open = (prefix: string) =>
          [...model.counters].filter(([f]) => f.startsWith(`${prefix}open|`)).reduce((n, [, v]) => n + v, 0);
        const records = (pred: (t: string) => boolean) =>
          [...model.open.values()].filter((r) => pred(r.target)).length;
        expect(open('') + open('next_')).toBe(records((t) => t !== 'FINAL_ANSWER'));
        expect(open('final_')).toBe(records((t) => t === 'FINAL_ANSWER'));
      }),
      { numRuns: 300 },
    );
  });
});

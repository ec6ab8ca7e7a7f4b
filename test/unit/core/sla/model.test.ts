import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SlaCommand } from '../../../../services/core/sla/commands.js';
import { SlaModel } from '../../../../services/core/sla/model.js';

const MIN = 60_000;
const open = (i: number, postedAt = 0): SlaCommand => ({
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
  priority: 'high',
  postedAt,
  warnAt: postedAt + 45 * MIN,
  dueAt: postedAt + 60 * MIN,
  policyId: 'p',
  escalationIntervalMs: 30 * MIN,
  maxEscalationLevel: 2,
  excerpt: 'x',
  url: null,
});
const answer = (i: number, answeredAt: number): SlaCommand => ({
  kind: 'answer',
  commentKey: `VK:${i}`,
  shard: 0,
  answeredAt,
});
const cancel = (i: number): SlaCommand => ({ kind: 'cancel', commentKey: `VK:${i}`, shard: 0 });
const DIM = '54|roads_transport|high';

function sweepAll(model: SlaModel, now: number): string[] {
  const fired: string[] = [];
  for (let alerts = model.claim(now, MIN); alerts.length; alerts = model.claim(now, MIN)) {
    for (const a of alerts) if (model.ack(a)) fired.push(`${a.kind}${a.level}`);
  }
  return fired;
}

describe('reference SLA model', () => {
  it('a comment never answered gets WARNING, BREACH and each escalation once', () => {
    const model = new SlaModel();
    expect(model.apply(open(1), 0)).toBe('OPENED');
    expect(sweepAll(model, 50 * MIN)).toEqual(['WARNING0']);
    expect(sweepAll(model, 10 * 60 * MIN)).toEqual(['BREACH0', 'ESCALATION1', 'ESCALATION2']);
    expect(model.counters.get(`breached|${DIM}`)).toBe(1);
    expect(model.counters.get(`open|${DIM}`)).toBe(1);
  });

  it('a reply before its comment counts the comment answered when it arrives; a delete wins over it', () => {
    const model = new SlaModel();
    expect(model.apply(answer(1, 5 * MIN), 0)).toBe('ANSWERED_EARLY');
    expect(model.apply(open(1), 0)).toBe('ANSWERED_BEFORE');
    expect(model.counters.get(`answered_in_time|${DIM}`)).toBe(1);
    expect(model.apply(answer(2, 5 * MIN), 0)).toBe('ANSWERED_EARLY');
    expect(model.apply(cancel(2), 0)).toBe('DELETED_EARLY');
    expect(model.apply(open(2), 0)).toBe('DELETED_BEFORE');
    expect(model.counters.get(`cancelled|${DIM}`)).toBe(1);
  });

  it('a claimed alert whose sweeper died is handed out again after the lease, and acked once', () => {
    const model = new SlaModel();
    model.apply(open(1), 0);
    const [first] = model.claim(61 * MIN, MIN);
    expect(first).toMatchObject({ kind: 'BREACH' });
    expect(model.claim(61 * MIN, MIN)).toEqual([]);
    const [again] = model.claim(62 * MIN, MIN);
    expect(again).toEqual(first);
    expect(model.ack(again!)).toBe(true);
    expect(model.ack(first!)).toBe(false);
  });

  it('the overdue gauge counts a comment once from its BREACH claim until it is answered or deleted', () => {
    const model = new SlaModel();
    model.apply(open(1), 0);
    model.apply(open(2), 0);
    model.apply(open(3), 0);
    expect(model.claim(50 * MIN, MIN)).toHaveLength(3); // WARNINGs: not overdue yet
    expect(model.counters.get(`overdue|${DIM}`)).toBeUndefined();
    expect(model.claim(61 * MIN, MIN)).toHaveLength(3); // WARNING leases expired, past due: BREACHes
    expect(model.counters.get(`overdue|${DIM}`)).toBe(3);
    const again = model.claim(63 * MIN, MIN); // the sweeper died: the same BREACHes again
    expect(again).toHaveLength(3);
    expect(model.counters.get(`overdue|${DIM}`)).toBe(3);
    for (const a of again) model.ack(a);
    expect(sweepAll(model, 10 * 60 * MIN)).toHaveLength(6); // escalations: still overdue, once each
    expect(model.counters.get(`overdue|${DIM}`)).toBe(3);
    model.apply(answer(1, 70 * MIN), 10 * 60 * MIN);
    model.apply(cancel(2), 10 * 60 * MIN);
    model.apply(answer(1, 70 * MIN), 10 * 60 * MIN);
    model.apply(cancel(2), 10 * 60 * MIN);
    expect(model.counters.get(`overdue|${DIM}`)).toBe(1);
  });

  it('delivering every transition twice changes nothing (idempotence)', () => {
    const command = fc.oneof(
      fc
        .record({ i: fc.nat(3), at: fc.integer({ min: -120, max: 120 }) })
        .map(({ i, at }) => open(i, at * MIN)),
      fc.record({ i: fc.nat(3), at: fc.nat(300) }).map(({ i, at }) => answer(i, at * MIN)),
      fc.nat(3).map(cancel),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
        const once = new SlaModel();
        const twice = new SlaModel();
        for (const c of commands) {
          once.apply(c, 0);
          twice.apply(c, 0);
          twice.apply(c, 0);
        }
        expect(twice.counters).toEqual(once.counters);
        expect(twice.markers).toEqual(once.markers);
      }),
      { numRuns: 500 },
    );
  });
});

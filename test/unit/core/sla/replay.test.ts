import { describe, expect, it } from 'vitest';
import type {
  Classification,
  ClassifiedComment,
} from '../../../../services/core/contracts/schema-types.generated.js';
import { planSla } from '../../../../services/core/sla/plan.js';
import { parsePolicyConfig } from '../../../../services/core/sla/policy.js';
import type { ActionCommand } from '../../../../services/core/sla/commands.js';
import {
  alertSlotOf,
  deleteCommandOf,
  replayCommandOf,
  replaySteps,
  type TimedCommand,
} from '../../../../services/core/sla/replay.js';
import { commentEvent, officialReply } from '../../../support/comments.js';

const policies = parsePolicyConfig({});
const plan = { shards: 4, excerptChars: 60 };
const classification: Classification = {
  category: 'housing_utilities',
  type: 'complaint',
  priority: 'high',
  toxic: false,
  spam: false,
  actionable: true,
  confidence: 0.9,
  evidence: [],
  version: 't',
  text_truncated: false,
};

function classified(overrides: Partial<ClassifiedComment> = {}): ClassifiedComment {
  const comment = commentEvent({ posted_at: 1_000_000 });
  const decided = planSla(comment, classification, policies, plan);
  return { key: 'k', comment, classification, sla: decided.sla, classified_at: 2_000_000, ...overrides };
}

describe('replayCommandOf: the worker’s decision, from its classified output', () => {
  it('gives the open the worker applied, with the recorded deadline', () => {
    const c = classified();
    const recorded = { policy_id: 'old/high', warn_at: 1_500_000, due_at: 1_900_000 };
    const command = replayCommandOf({ ...c, sla: recorded }, policies, plan);
    expect(command).toMatchObject({
      kind: 'open',
      policyId: 'old/high',
      warnAt: 1_500_000,
      dueAt: 1_900_000,
      escalationIntervalMs: policies.escalation.every,
      maxEscalationLevel: policies.escalation.maxLevel,
    });
    expect(command).toEqual({
      ...planSla(c.comment, classification, policies, plan).command,
      policyId: 'old/high',
      warnAt: 1_500_000,
      dueAt: 1_900_000,
    });
  });

  it('counts as not actionable a comment the worker opened no SLA for, whatever the policy says now', () => {
    expect(replayCommandOf(classified({ sla: null }), policies, plan)).toMatchObject({
      kind: 'notActionable',
      category: 'housing_utilities',
      priority: 'high',
    });
  });

  it('opens the SLA the worker opened, though the policy now has none for its category', () => {
    const noSla = parsePolicyConfig({ noSla: { categories: ['housing_utilities'] } });
    const c = classified();
    expect(replayCommandOf(c, noSla, plan)).toMatchObject({
      kind: 'open',
      dueAt: c.sla?.due_at,
      excerpt: expect.stringContaining('горячей воды') as unknown,
    });
  });

  it('gives a reply’s answer and a delete’s cancel', () => {
    const parent = commentEvent();
    const reply = officialReply(parent, 5_000);
    expect(replayCommandOf(classified({ comment: reply, sla: null }), policies, plan)).toMatchObject({
      kind: 'answer',
      commentKey: `VK:${parent.comment_id}`,
      answeredAt: 5_000,
    });
    expect(deleteCommandOf({ ...parent, op: 'DELETED' }, plan)).toMatchObject({ kind: 'cancel' });
    expect(deleteCommandOf(parent, plan)).toBeNull();
  });
});

describe('replaySteps: the log in the order the original run applied it', () => {
  const open = (key: string): TimedCommand['command'] => ({
    kind: 'notActionable',
    commentKey: key,
    shard: 0,
    region: '54',
    category: 'other',
    priority: 'low',
  });
  const cancel = (key: string): TimedCommand['command'] => ({ kind: 'cancel', commentKey: key, shard: 0 });

  it('groups transitions of one instant, claims before transitions, deletes last', () => {
    const steps = replaySteps(
      [
        { at: 20, command: open('b') },
        { at: 10, command: open('a') },
        { at: 20, command: open('c') },
      ],
      [{ at: 20, command: cancel('x') }],
      [
        { commentKey: 'a', kind: 'BREACH', level: 0, target: 'FIRST_REPLY', firedAt: 20 },
        { commentKey: 'a', kind: 'ESCALATION', level: 1, target: 'FIRST_REPLY', firedAt: 20 },
      ],
    );
    expect(steps).toEqual([
      { kind: 'apply', at: 10, commands: [open('a')] },
      { kind: 'alerts', at: 20 },
      { kind: 'apply', at: 20, commands: [open('b'), open('c'), cancel('x')] },
    ]);
  });

  it('replays a delete no earlier than its comment and the alerts published for it', () => {
    const steps = replaySteps(
      [{ at: 50, command: open('a') }],
      [
        { at: 40, command: cancel('a') },
        { at: 5, command: cancel('b') },
      ],
      [{ commentKey: 'b', kind: 'WARNING', level: 0, target: 'FIRST_REPLY', firedAt: 70 }],
    );
    expect(steps).toEqual([
      { kind: 'apply', at: 50, commands: [open('a'), cancel('a')] },
      { kind: 'alerts', at: 70 },
      { kind: 'apply', at: 70, commands: [cancel('b')] },
    ]);
  });

  it('replays an operator action at its record time, after the transitions of that instant', () => {
    const act = (key: string, id: string) =>
      ({
        kind: 'action',
        commentKey: key,
        shard: 0,
        action: { action_id: id, comment_key: key, kind: 'RESOLVED' },
      }) as unknown as ActionCommand;
    const steps = replaySteps(
      [{ at: 30, command: open('a') }],
      [],
      [{ commentKey: 'a', kind: 'WARNING', level: 0, target: 'FINAL_ANSWER', firedAt: 40 }],
      [
        { at: 30, command: act('a', 'a1') },
        { at: 10, command: act('z', 'z1') },
        { at: 30, command: act('a', 'a2') },
      ],
    );
    expect(steps).toEqual([
      { kind: 'act', at: 10, commands: [act('z', 'z1')] },
      { kind: 'apply', at: 30, commands: [open('a')] },
      { kind: 'act', at: 30, commands: [act('a', 'a1'), act('a', 'a2')] },
      { kind: 'alerts', at: 40 },
    ]);
  });

  it("tells a final answer's alert from the first reply's of the same kind and level", () => {
    const first = { commentKey: 'a', kind: 'BREACH', level: 0, target: 'FIRST_REPLY' } as const;
    expect(alertSlotOf(first)).not.toBe(alertSlotOf({ ...first, target: 'FINAL_ANSWER' }));
  });
});

import { describe, expect, it } from 'vitest';
import type { OperatorAction } from '../../../../services/core/contracts/schema-types.generated.js';
import {
  openAppeal,
  recomputeAppeal,
  stepAppeal,
  type AppealInput,
  type AppealState,
  type AppealStep,
} from '../../../../services/core/sla/appeal.js';
import { parsePolicyConfig, type PolicyConfig } from '../../../../services/core/sla/policy.js';
import { at, HOUR, iso, MINUTE, OFFICE_WEEK } from '../calendar/helpers.js';

const NSK = 'Asia/Novosibirsk';
const local = (text: string) => at(text, NSK);
const show = (ms: number | undefined) => (ms === undefined ? undefined : iso(ms, NSK).slice(0, 16));

function officeConfig(extra: Record<string, unknown> = {}): PolicyConfig {
  return parsePolicyConfig({
    targets: { normal: '8h' },
    calendars: { office: { week: OFFICE_WEEK } },
    regions: { '54': 'office' },
    ...extra,
  });
}

let seq = 0;
function action(
  kind: OperatorAction['kind'],
  when: string,
  extra: Partial<OperatorAction> = {},
): AppealInput {
  return {
    kind: 'action',
    action: {
      action_id: `act-${++seq}`,
      comment_key: 'VK:1',
      kind,
      operator_id: 'op-7',
      acted_at: local(when),
      note: null,
      assignment: null,
      pause_reason: kind === 'PAUSED' ? 'WAITING_FOR_CITIZEN' : null,
      correction: null,
      ...extra,
    },
  };
}

const SUBJECT = { region: '54', category: 'roads_transport', type: 'complaint', priority: 'normal' } as const;

/** Applies inputs in order, keeping every step for the assertions. */
function run(config: PolicyConfig, state: AppealState, inputs: AppealInput[]): AppealStep[] {
  const steps: AppealStep[] = [];
  for (const input of inputs) {
    const step = stepAppeal(config, state, input);
    steps.push(step);
    state = step.state;
  }
  return steps;
}

describe('the life of an appeal: the timeline of docs/sla-policy.md', () => {
  const config = officeConfig();
  const start = openAppeal(config, 'VK:1', SUBJECT, local('2026-04-06T14:00'))!;

  it('plans, pauses, follows up, resolves and reopens exactly as the table says', () => {
    expect(show(start.reply?.dueAt)).toBe('2026-04-07T13:00');
    const steps = run(config, start, [
      action('ASSIGNED', '2026-04-06T15:30', { assignment: { agency: 'roads-dept', executor: null } }),
      action('INTERIM_REPLY', '2026-04-07T11:00'),
      action('PAUSED', '2026-04-08T10:00'),
      action('RESUMED', '2026-04-09T15:30'),
      { kind: 'followUp', id: 'VK:2', at: local('2026-04-10T12:00'), actionable: true, priority: 'normal' },
      { kind: 'reply', id: 'VK:3', at: local('2026-04-10T16:00'), interim: false },
      action('RESOLVED', '2026-04-20T10:00'),
      { kind: 'followUp', id: 'VK:4', at: local('2026-04-22T09:30'), actionable: true, priority: 'normal' },
    ]);
    const [assigned, interim, paused, resumed, follow, official, resolved, reopened] = steps;

    expect(assigned!.state.assignment).toEqual({ agency: 'roads-dept', executor: null });
    expect(assigned!.effects).toEqual([]);

    // INTERIM_REPLY: the first reply met 2 h early, the final answer due at the close of the 7th working day.
    expect(interim!.effects.map((e) => e.kind)).toEqual(['planned', 'met']);
    expect(interim!.effects[1]).toMatchObject({ target: 'FIRST_REPLY', inTime: true });
    expect(show(interim!.state.final?.dueAt)).toBe('2026-04-16T18:00');

    expect(paused!.state.final).toMatchObject({ paused: true, running: false });
    // 8 h on Wednesday + 6 h 30 m on Thursday of working time added to the deadline.
    expect(resumed!.state.final).toMatchObject({ paused: false, running: true, pausedMs: 14.5 * HOUR });
    expect(show(resumed!.state.final?.dueAt)).toBe('2026-04-20T14:30');

    expect(follow!.state.reply?.target).toBe('NEXT_REPLY');
    expect(show(follow!.state.reply?.dueAt)).toBe('2026-04-13T11:00');
    expect(official!.effects).toEqual([
      expect.objectContaining({ kind: 'met', target: 'NEXT_REPLY', inTime: true }),
    ]);
    expect(show(official!.state.final?.dueAt)).toBe('2026-04-20T14:30');

    expect(resolved!.effects).toEqual([
      expect.objectContaining({ kind: 'met', target: 'FINAL_ANSWER', inTime: true }),
    ]);
    expect(resolved!.state.status).toBe('RESOLVED');

    expect(reopened!.state).toMatchObject({ status: 'OPEN', reopened: 1, finalOnNextReply: true });
    expect(show(reopened!.state.reply?.dueAt)).toBe('2026-04-22T17:30');
  });

  it('without the pause the same RESOLVED is late', () => {
    const steps = run(config, start, [
      action('INTERIM_REPLY', '2026-04-07T11:00'),
      action('RESOLVED', '2026-04-20T10:00'),
    ]);
    expect(steps[1]!.effects).toEqual([
      expect.objectContaining({ kind: 'met', target: 'FINAL_ANSWER', inTime: false }),
    ]);
  });

  it('after a reopening the next reply starts a new final answer', () => {
    const steps = run(config, start, [
      action('INTERIM_REPLY', '2026-04-07T11:00'),
      action('RESOLVED', '2026-04-08T10:00'),
      action('REOPENED', '2026-04-09T10:00'),
      { kind: 'reply', id: 'VK:9', at: local('2026-04-09T12:00'), interim: false },
    ]);
    const last = steps[3]!;
    expect(last.effects.map((e) => (e.kind === 'met' || e.kind === 'planned' ? e.kind : ''))).toEqual([
      'planned',
      'met',
    ]);
    expect(show(last.state.final?.dueAt)).toBe('2026-04-20T18:00');
  });
});

describe('pauses', () => {
  it('a capped pause keeps the alerts scheduled at the deadline its budget gives, and runs out by itself', () => {
    const config = officeConfig({ pauses: { maxPaused: '2h' } });
    const start = openAppeal(config, 'VK:1', SUBJECT, local('2026-04-06T09:00'))!;
    const steps = run(config, start, [
      action('PAUSED', '2026-04-06T10:00'),
      action('RESUMED', '2026-04-06T11:00'),
      action('PAUSED', '2026-04-06T12:00'),
      action('RESUMED', '2026-04-07T12:00'),
      action('PAUSED', '2026-04-07T13:00'),
    ]);
    // 8 h from Mon 09:00 is Mon 17:00; a 2 h budget at most moves it to Tue 10:00.
    expect(steps[0]!.state.reply).toMatchObject({ paused: true, running: true });
    expect(show(steps[0]!.state.reply?.dueAt)).toBe('2026-04-07T10:00');
    expect(show(steps[1]!.state.reply?.dueAt)).toBe('2026-04-06T18:00');
    // One hour of budget left: the second pause (a whole day) counts for one hour only.
    expect(show(steps[3]!.state.reply?.dueAt)).toBe('2026-04-07T10:00');
    expect(steps[3]!.state.pausedTotalMs).toBe(2 * HOUR);
    expect(steps[4]!.outcome).toBe('IGNORED');
  });

  it('a late target stays late through a pause; RESUMED without PAUSED does nothing', () => {
    const config = officeConfig();
    const start = openAppeal(config, 'VK:1', SUBJECT, local('2026-04-06T09:00'))!;
    const [resume, pause] = run(config, start, [
      action('RESUMED', '2026-04-06T10:00'),
      action('PAUSED', '2026-04-07T10:00'),
    ]);
    expect(resume!.outcome).toBe('IGNORED');
    expect(pause!.effects).toEqual([]);
    expect(pause!.state.reply).toMatchObject({ paused: false, running: true });
  });

  it("the citizen's follow-up ends a wait for the citizen", () => {
    const config = officeConfig();
    const start = openAppeal(config, 'VK:1', SUBJECT, local('2026-04-06T09:00'))!;
    const steps = run(config, start, [
      { kind: 'reply', id: 'VK:2', at: local('2026-04-06T10:00'), interim: false },
      action('PAUSED', '2026-04-06T11:00'),
      { kind: 'followUp', id: 'VK:3', at: local('2026-04-06T13:00'), actionable: true, priority: 'normal' },
    ]);
    const last = steps[2]!.state;
    expect(last.pause).toBeNull();
    expect(last.final).toMatchObject({ pausedMs: 2 * HOUR, running: true });
    expect(last.reply?.target).toBe('NEXT_REPLY');
  });
});

describe('replies, follow-ups and reopening', () => {
  const config = officeConfig();
  const start = openAppeal(config, 'VK:1', SUBJECT, local('2026-04-06T09:00'))!;

  it('a bare template ends the first reply but not a next reply', () => {
    const steps = run(config, start, [
      { kind: 'reply', id: 'VK:2', at: local('2026-04-06T10:00'), interim: true },
      { kind: 'followUp', id: 'VK:3', at: local('2026-04-06T11:00'), actionable: true, priority: 'normal' },
      { kind: 'reply', id: 'VK:4', at: local('2026-04-06T12:00'), interim: true },
    ]);
    expect(steps[0]!.effects.map((e) => e.kind)).toEqual(['planned', 'met']);
    expect(steps[2]!.outcome).toBe('IGNORED');
    expect(steps[2]!.state.reply?.target).toBe('NEXT_REPLY');
  });

  it('a follow-up before any official reply, or not actionable, starts nothing', () => {
    const [early] = run(config, start, [
      { kind: 'followUp', id: 'VK:3', at: local('2026-04-06T11:00'), actionable: true, priority: 'normal' },
    ]);
    expect(early!.outcome).toBe('IGNORED');
    const steps = run(config, start, [
      { kind: 'reply', id: 'VK:2', at: local('2026-04-06T10:00'), interim: false },
      { kind: 'followUp', id: 'VK:3', at: local('2026-04-06T11:00'), actionable: false, priority: 'normal' },
    ]);
    expect(steps[1]!.outcome).toBe('IGNORED');
  });

  it('the follow-up of a critical priority gets the critical target', () => {
    const steps = run(config, start, [
      { kind: 'reply', id: 'VK:2', at: local('2026-04-06T10:00'), interim: false },
      { kind: 'followUp', id: 'VK:3', at: local('2026-04-06T11:00'), actionable: true, priority: 'critical' },
    ]);
    expect(steps[1]!.state.reply?.dueAt).toBe(local('2026-04-06T12:00'));
  });

  it('under reopen: new-appeal a follow-up after RESOLVED asks for an appeal of its own', () => {
    const other = officeConfig({ reopen: 'new-appeal' });
    const steps = run(other, start, [
      { kind: 'reply', id: 'VK:2', at: local('2026-04-06T10:00'), interim: false },
      action('RESOLVED', '2026-04-07T10:00'),
      { kind: 'followUp', id: 'VK:3', at: local('2026-04-08T11:00'), actionable: true, priority: 'normal' },
    ]);
    expect(steps[2]!.effects).toEqual([{ kind: 'newAppeal' }]);
    expect(steps[2]!.state.status).toBe('RESOLVED');
  });

  it('RESOLVED with no reply before counts both targets at once', () => {
    const [resolved] = run(config, start, [action('RESOLVED', '2026-04-07T10:00')]);
    expect(resolved!.effects).toEqual([
      expect.objectContaining({ kind: 'met', target: 'FIRST_REPLY', inTime: false }),
      expect.objectContaining({ kind: 'met', target: 'FINAL_ANSWER', inTime: true }),
    ]);
  });

  it('the same id twice is applied once', () => {
    const input = action('PAUSED', '2026-04-06T10:00');
    const [first, again] = run(config, start, [input, input]);
    expect(first!.outcome).toBe('APPLIED');
    expect(again!.outcome).toBe('DUPLICATE');
    expect(again!.state).toBe(first!.state);
  });
});

describe('corrections (RECLASSIFIED) and NOT_ACTIONABLE', () => {
  const config = officeConfig();
  const start = openAppeal(config, 'VK:1', SUBJECT, local('2026-04-06T09:00'))!;
  const correction = (fields: Record<string, unknown>) => ({
    correction: { category: null, type: null, priority: null, actionable: null, ...fields },
  });

  it('raised to critical: the critical target from posted_at, already past', () => {
    const [step] = run(config, start, [
      action('RECLASSIFIED', '2026-04-06T11:00', correction({ priority: 'critical' })),
    ]);
    expect(step!.effects[0]).toEqual({
      kind: 'reclassified',
      from: SUBJECT,
      to: { ...SUBJECT, priority: 'critical' },
    });
    expect(step!.state.reply?.dueAt).toBe(local('2026-04-06T10:00'));
    expect(step!.state.reply?.policyId).toBe('default/critical');
  });

  it('actionable: false closes like NOT_ACTIONABLE; actionable: true opens from posted_at again', () => {
    const [closed, opened] = run(config, start, [
      action('RECLASSIFIED', '2026-04-06T10:00', correction({ actionable: false })),
      action('RECLASSIFIED', '2026-04-06T10:30', correction({ actionable: true })),
    ]);
    expect(closed!.effects.map((e) => e.kind)).toEqual(['dropped', 'closedNotActionable']);
    expect(closed!.state.status).toBe('NOT_ACTIONABLE');
    expect(opened!.state.status).toBe('OPEN');
    expect(opened!.state.reply?.dueAt).toBe(start.reply?.dueAt);
  });

  it('a correction that changes nothing is recorded with no effect', () => {
    const [step] = run(config, start, [
      action('RECLASSIFIED', '2026-04-06T10:00', correction({ priority: 'normal' })),
    ]);
    expect(step!.outcome).toBe('IGNORED');
    expect(step!.state.seen).toHaveLength(1);
  });

  it('re-planning keeps the working time of pauses already taken', () => {
    const steps = run(config, start, [
      action('PAUSED', '2026-04-06T10:00'),
      action('RESUMED', '2026-04-06T11:00'),
      action('RECLASSIFIED', '2026-04-06T11:30', correction({ priority: 'high' })),
    ]);
    // high is 2 h: from 09:00 plus the hour paused.
    expect(steps[2]!.state.reply?.dueAt).toBe(local('2026-04-06T12:00'));
    expect(steps[2]!.state.reply?.pausedMs).toBe(60 * MINUTE);
  });
});

describe('recompute under a changed policy', () => {
  const config = officeConfig();
  const start = openAppeal(config, 'VK:1', SUBJECT, local('2026-04-06T09:00'))!;

  it('moves the open deadlines, reports how, and moves nothing the second time', () => {
    const [interim] = run(config, start, [action('INTERIM_REPLY', '2026-04-06T10:00')]);
    const stricter = officeConfig({ finalAnswer: { targets: { normal: 3 } } });
    const now = local('2026-04-08T12:00');
    const first = recomputeAppeal(stricter, interim!.state, now);
    expect(first.moves).toEqual([
      {
        target: 'FINAL_ANSWER',
        fromDueAt: local('2026-04-15T18:00'),
        toDueAt: local('2026-04-09T18:00'),
        overdueAtOnce: false,
      },
    ]);
    const again = recomputeAppeal(stricter, first.state, now);
    expect(again.moves).toEqual([]);
    expect(again.state).toBe(first.state);
  });

  it('says which became overdue at once, and keeps pauses taken', () => {
    const steps = run(config, start, [
      action('PAUSED', '2026-04-06T10:00'),
      action('RESUMED', '2026-04-06T12:00'),
    ]);
    const stricter = officeConfig({ targets: { normal: '2h' } });
    const { moves, state } = recomputeAppeal(stricter, steps[1]!.state, local('2026-04-06T14:00'));
    expect(moves).toEqual([
      expect.objectContaining({
        target: 'FIRST_REPLY',
        toDueAt: local('2026-04-06T13:00'),
        overdueAtOnce: true,
      }),
    ]);
    expect(state.reply?.pausedMs).toBe(2 * HOUR);
  });

  it('does not call a clock stopped by a pause overdue at once: it fires nothing until it resumes', () => {
    const [paused] = run(config, start, [action('PAUSED', '2026-04-06T10:00')]);
    const stricter = officeConfig({ targets: { normal: '2h' } });
    const { moves, state } = recomputeAppeal(stricter, paused!.state, local('2026-04-06T14:00'));
    expect(moves).toEqual([
      expect.objectContaining({
        target: 'FIRST_REPLY',
        toDueAt: local('2026-04-06T11:00'),
        overdueAtOnce: false,
      }),
    ]);
    expect(state.reply).toMatchObject({ paused: true, running: false });
  });

  it('leaves appeals that are not open alone', () => {
    const [resolved] = run(config, start, [action('RESOLVED', '2026-04-06T10:00')]);
    expect(recomputeAppeal(officeConfig({ targets: { normal: '1h' } }), resolved!.state, 0).moves).toEqual(
      [],
    );
  });
});

describe("an incident's raise", () => {
  const config = officeConfig({ targets: { normal: '8h', high: '4h', critical: '1h' } });
  const raise = (steps = 1): AppealInput => ({ kind: 'raised', id: 'incident-raise', steps });

  it('raises the subject, re-plans the running clocks at it keeping pauses, once; gauges move, not opened', () => {
    const start = openAppeal(config, 'VK:1', SUBJECT, local('2026-04-06T14:00'))!;
    const [paused, raised, again] = run(config, start, [
      action('PAUSED', '2026-04-06T15:00'),
      raise(),
      raise(),
    ]);
    expect(raised!.outcome).toBe('APPLIED');
    expect(raised!.state.subject.priority).toBe('high');
    expect(raised!.state.raisedFrom).toBe('normal');
    expect(raised!.effects[0]).toEqual({
      kind: 'raised',
      from: SUBJECT,
      to: { ...SUBJECT, priority: 'high' },
    });
    // Four working hours from 14:00 on Monday (eight at normal: 13:00 on Tuesday), still stopped by the pause.
    expect(show(start.reply?.baseDueAt)).toBe('2026-04-07T13:00');
    expect(show(raised!.state.reply?.baseDueAt)).toBe('2026-04-06T18:00');
    expect(raised!.state.reply).toMatchObject({ paused: true, running: false });
    expect(raised!.state.pause).toEqual(paused!.state.pause);
    expect(again).toMatchObject({ outcome: 'DUPLICATE', effects: [] });
  });

  it('is ignored at the top and on a finished appeal', () => {
    const critical = openAppeal(
      config,
      'VK:1',
      { ...SUBJECT, priority: 'critical' },
      local('2026-04-06T14:00'),
    )!;
    expect(stepAppeal(config, critical, raise())).toMatchObject({ outcome: 'IGNORED', effects: [] });
    const start = openAppeal(config, 'VK:1', SUBJECT, local('2026-04-06T14:00'))!;
    const [resolved] = run(config, start, [action('RESOLVED', '2026-04-06T15:00')]);
    expect(stepAppeal(config, resolved!.state, raise(3))).toMatchObject({ outcome: 'IGNORED', effects: [] });
  });

  it('a later correction moves opened from the priority it was counted under, and ends the raise', () => {
    const start = openAppeal(config, 'VK:1', SUBJECT, local('2026-04-06T14:00'))!;
    const [, corrected] = run(config, start, [
      raise(),
      action('RECLASSIFIED', '2026-04-06T15:00', {
        correction: { category: 'housing_utilities', type: null, priority: null, actionable: null },
      }),
    ]);
    expect(corrected!.effects[0]).toMatchObject({ kind: 'reclassified', openedFrom: 'normal' });
    expect(corrected!.state.subject).toMatchObject({ category: 'housing_utilities', priority: 'high' });
    expect(corrected!.state.raisedFrom).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { twentyFourSeven } from '../../../../services/core/calendar/index.js';
import {
  computeFinalDeadlines,
  replyKindOf,
  resolveFinalAnswer,
} from '../../../../services/core/sla/policy-lifecycle.js';
import { parsePolicyConfig, PolicyConfigError } from '../../../../services/core/sla/policy.js';
import { closeOfWorkingDays } from '../../../../services/core/sla/working-days.js';
import { at, HOUR, iso, office, OFFICE_WEEK } from '../calendar/helpers.js';

const NSK = 'Asia/Novosibirsk';
const subject = { region: '54', category: 'roads_transport', type: 'complaint', priority: 'normal' } as const;

function problems(raw: unknown): readonly string[] {
  try {
    parsePolicyConfig(raw);
  } catch (error) {
    if (error instanceof PolicyConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('working days', () => {
  it('counts whole working days after the day of the start, skipping weekends and holidays', () => {
    const calendar = office(NSK);
    // Tue 7 Apr 2026, 11:00: the 7th working day after it is Thu 16 Apr.
    expect(iso(closeOfWorkingDays(calendar, NSK, at('2026-04-07T11:00', NSK), 7), NSK)).toBe(
      '2026-04-16T18:00:00+07:00',
    );
    // Across the May holidays of 2026 (1 May Friday, 9-11 May): from Thu 30 Apr, 3 days land on Wed 6 May.
    expect(iso(closeOfWorkingDays(calendar, NSK, at('2026-04-30T17:00', NSK), 3), NSK)).toBe(
      '2026-05-06T18:00:00+07:00',
    );
  });

  it('on 24×7 a day closes at local midnight', () => {
    const due = closeOfWorkingDays(twentyFourSeven(), NSK, at('2026-04-07T11:00', NSK), 2);
    expect(iso(due, NSK)).toBe('2026-04-10T00:00:00+07:00');
  });

  it('answers from its last day only within that local day: any order of times gives the fresh answers', () => {
    const kept = office(NSK);
    // Every 241 minutes over ten days around a weekend, in a shuffled order, with 1 and 7 days.
    const start = at('2026-04-08T00:00', NSK);
    const times = Array.from({ length: 60 }, (_, i) => start + i * 241 * 60_000);
    const shuffled = times.map((t, i) => times[(i * 37) % times.length] as number);
    for (const t of [...times, ...shuffled]) {
      for (const days of [1, 7]) {
        // A new calendar object has no answer kept: the walk itself.
        expect(closeOfWorkingDays(kept, NSK, t, days)).toBe(closeOfWorkingDays(office(NSK), NSK, t, days));
      }
    }
  });

  it('refuses a day count that is not a whole number of at least one', () => {
    expect(() => closeOfWorkingDays(twentyFourSeven(), NSK, 0, 0)).toThrow(/whole number/);
    expect(() => closeOfWorkingDays(twentyFourSeven(), NSK, 0, 1.5)).toThrow(/whole number/);
  });
});

describe('the final-answer policy', () => {
  it('defaults to 7 working days with the first reply warnFraction and escalation', () => {
    const config = parsePolicyConfig({
      calendars: { office: { week: OFFICE_WEEK } },
      regions: { '54': 'office' },
    });
    const resolved = resolveFinalAnswer(config, subject)!;
    expect(resolved).toMatchObject({
      policyId: 'default/final/normal',
      target: { workingDays: 7 },
      warnFraction: 0.75,
      escalationIntervalMs: HOUR,
      maxEscalationLevel: 3,
      calendarId: `office@${NSK}`,
    });
    const { warnAtMs, dueAtMs } = computeFinalDeadlines(resolved, at('2026-04-07T11:00', NSK));
    expect(iso(dueAtMs, NSK)).toBe('2026-04-16T18:00:00+07:00');
    // 7 h on Tuesday + 7 × 9 h = 70 h of working time; 75 % of it is 52 h 30 m: Wednesday 15 Apr 09:30.
    expect(iso(warnAtMs, NSK)).toBe('2026-04-15T09:30:00+07:00');
  });

  it('takes per-category targets, durations for the demo, and its own escalation', () => {
    const config = parsePolicyConfig({
      finalAnswer: {
        targets: { critical: 2, low: '40s' },
        categoryTargets: { roads_transport: { normal: 3 } },
        warnFraction: 0.5,
        escalation: { every: '10s', maxLevel: 1 },
      },
    });
    expect(resolveFinalAnswer(config, subject)).toMatchObject({
      policyId: 'default/final/roads_transport/normal',
      target: { workingDays: 3 },
      escalationIntervalMs: 10_000,
      maxEscalationLevel: 1,
    });
    const low = resolveFinalAnswer(config, { ...subject, category: 'ecology', priority: 'low' })!;
    expect(low.target).toEqual({ durationMs: 40_000 });
    expect(computeFinalDeadlines(low, 1_000_000)).toEqual({ warnAtMs: 1_020_000, dueAtMs: 1_040_000 });
    expect(resolveFinalAnswer(config, { ...subject, priority: 'critical' })?.target).toEqual({
      workingDays: 2,
    });
  });

  it('opens no final answer where the first reply opens none', () => {
    const config = parsePolicyConfig({ noSla: { categories: ['culture_sport'] } });
    expect(resolveFinalAnswer(config, { ...subject, category: 'culture_sport' })).toBeNull();
  });

  it('reports bad lifecycle keys with their paths, all at once', () => {
    expect(
      problems({
        finalAnswer: { targets: { normal: 0, high: 'soon' } },
        pauses: { maxPaused: 5 },
        reopen: 'never',
        replies: { authors: ['BOT'], templates: ['(unclosed'] },
      }),
    ).toEqual([
      expect.stringMatching(/^finalAnswer\.targets\.high: expected working days/),
      expect.stringMatching(/^finalAnswer\.targets\.normal: expected a whole number of working days/),
      expect.stringMatching(/^pauses\.maxPaused: expected a duration/),
      expect.stringMatching(/^reopen: unknown reopen mode "never"/),
      'replies.authors[0]: a BOT never answers an appeal',
      expect.stringMatching(/^replies\.templates\[0\]: not a regular expression/),
    ]);
  });
});

describe('what counts as a reply', () => {
  const config = parsePolicyConfig({});

  it('an OFFICIAL answers, a BOT or a citizen does not', () => {
    expect(replyKindOf(config, 'OFFICIAL', 'Яму заделают до пятницы.')).toBe('answer');
    expect(replyKindOf(config, 'BOT', 'Яму заделают до пятницы.')).toBeNull();
    expect(replyKindOf(config, 'CITIZEN', 'Яму заделают до пятницы.')).toBeNull();
  });

  it('a bare template is interim; a template followed by substance is an answer', () => {
    expect(
      replyKindOf(config, 'OFFICIAL', 'Здравствуйте! Ваше обращение передано в профильное ведомство.'),
    ).toBe('interim');
    expect(replyKindOf(config, 'OFFICIAL', '  Ваше   обращение зарегистрировано ')).toBe('interim');
    expect(
      replyKindOf(config, 'OFFICIAL', 'Ваше обращение передано в МКУ. Ремонт двора запланирован на июнь.'),
    ).toBe('answer');
  });

  it('takes the configured authors and patterns', () => {
    const custom = parsePolicyConfig({
      replies: { authors: ['OFFICIAL', 'MEDIA'], templates: ['^принято$'] },
    });
    expect(replyKindOf(custom, 'MEDIA', 'Принято')).toBe('interim');
    expect(replyKindOf(custom, 'OFFICIAL', 'Ваше обращение передано.')).toBe('answer');
  });
});

describe('what counts as a reply: long replies', () => {
  it('a reply longer than a template could be is an answer, whatever it begins with', () => {
    const config = parsePolicyConfig({});
    const long = `Ваше обращение передано. ${'Подробности ремонта. '.repeat(40)}`;
    expect(replyKindOf(config, 'OFFICIAL', long)).toBe('answer');
  });

  it('refuses a CITIZEN or UNKNOWN as an author of replies', () => {
    expect(problems({ replies: { authors: ['CITIZEN', 'UNKNOWN'] } })).toEqual([
      'replies.authors[0]: a CITIZEN comment is owed an answer and never is one',
      'replies.authors[1]: a UNKNOWN comment is owed an answer and never is one',
    ]);
  });
});

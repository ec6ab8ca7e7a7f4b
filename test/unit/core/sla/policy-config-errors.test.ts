import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  parseDuration,
  parsePolicyConfig,
  PolicyConfigError,
} from '../../../../services/core/sla/policy.js';

/** The problems parsePolicyConfig reports for a raw config. */
function problemsOf(raw: unknown): readonly string[] {
  try {
    parsePolicyConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyConfigError);
    expect((error as PolicyConfigError).code).toBe('SLA_POLICY_INVALID');
    return (error as PolicyConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('policy config errors', () => {
  it('names every bad path at once, with what is wrong', () => {
    const problems = problemsOf({
      tagets: {},
      targets: { critical: 'fast', high: 3600 },
      warnFraction: 1.5,
      escalation: { every: '0s', maxLevel: 1.5 },
      noSla: { types: ['spam'] },
      categoryTargets: { roads: { critical: '1h' }, healthcare: { urgent: '1h' } },
      districts: { Sibir: '24x7' },
      regions: { '999': '24x7', '54': 'ofice' },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        '(sla): unknown key "tagets"; expected name, targets, categoryTargets, warnFraction, escalation, noSla, calendars, defaultCalendar, districts, regions, finalAnswer, pauses, reopen, replies',
        'targets.critical: expected a duration with a unit such as "90s", "15m", "2h" or "1h30m", got "fast"',
        expect.stringMatching(
          /^targets\.high: expected a duration .* got 3600 \(a bare number has no unit\)$/,
        ),
        'warnFraction: must be less than 1',
        'escalation.every: "0s" must be more than 0 and at most 2160h',
        'escalation.maxLevel: expected a whole number',
        expect.stringMatching(
          /^noSla\.types\[0\]: unknown comment type "spam"; expected one of complaint, question/,
        ),
        expect.stringMatching(/^categoryTargets: unknown category "roads"; expected housing_utilities, /),
        'categoryTargets.healthcare: unknown priority "urgent"; expected critical, high, normal, low',
        expect.stringMatching(/^districts: unknown federal district "Sibir"; expected Central, .*Siberian/),
        'regions.999: unknown region code "999"; use the federal subject code, such as "54" for Novosibirsk oblast',
        'regions.54: unknown calendar "ofice"; defined: 24x7',
      ]),
    );
    expect(problems).toHaveLength(12);
  });

  it('puts every problem in the message, one per line', () => {
    expect(() => parsePolicyConfig({ warnFraction: 0, escalation: { maxLevel: -1 } })).toThrow(
      'invalid SLA policy (2 problems):\n    - warnFraction: must be more than 0\n    - escalation.maxLevel: must be 0 (no escalation) or more',
    );
    expect(() => parsePolicyConfig({ warnFraction: 'most' })).toThrow(
      'invalid SLA policy: warnFraction: expected a number between 0 and 1',
    );
  });

  it('rejects a section that is not a mapping', () => {
    expect(problemsOf('yes')).toEqual(['(sla): expected a mapping, got "yes"']);
    expect(problemsOf({ targets: [] })).toEqual(['targets: expected a mapping, got []']);
  });

  it('checks calendar definitions: zone, periods, dates, weekdays', () => {
    const problems = problemsOf({
      calendars: {
        typo: { zone: 'Asia/Novosibirk', week: { mon: [['09:00', '18:00']] } },
        closed: { week: {} },
        night: { week: { mon: [['18:00', '09:00']] } },
        numbers: { week: { sat: [[9, '12:00']] }, holidays: ['2026-02-30'] },
        days: { week: { monday: [['09:00', '18:00']] } },
        clash: { week: { mon: [['09:00', '18:00']] }, holidays: ['2026-12-31'], workingDays: ['2026-12-31'] },
        extra: { week: { mon: [['09:00', '18:00']] }, timezone: 'UTC' },
      },
    });
    expect(problems).toEqual([
      'calendars.typo.zone: "Asia/Novosibirk" is not an IANA time zone (such as Asia/Novosibirsk) nor "region"',
      'calendars.closed: week: at least one weekday must have working hours',
      'calendars.night: week.mon[0]: start 18:00 must be before end 09:00 (a period cannot cross midnight)',
      'calendars.numbers.week.sat[0][0]: expected a time "HH:MM" in quotes',
      'calendars.numbers.holidays[0]: expected a real date "YYYY-MM-DD"',
      'calendars.days.week: unknown weekday "monday"; expected mon, tue, wed, thu, fri, sat, sun',
      'calendars.clash: 2026-12-31 listed both in holidays and in workingDays',
      expect.stringMatching(/^calendars\.extra: unknown key "timezone"; expected zone, week, /),
    ]);
  });

  it('checks that every referenced calendar exists and that 24x7 is not redefined', () => {
    expect(
      problemsOf({
        calendars: { office: { week: { mon: [['09:00', '18:00']] } } },
        defaultCalendar: 'nope',
        districts: { Siberian: 'ofice' },
        regions: { '54': 'hotline' },
      }),
    ).toEqual([
      'defaultCalendar: unknown calendar "nope"; defined: 24x7, office',
      'districts.Siberian: unknown calendar "ofice"; defined: 24x7, office',
      'regions.54: unknown calendar "hotline"; defined: 24x7, office',
    ]);
    expect(problemsOf({ calendars: { '24x7': { week: { mon: [['09:00', '18:00']] } } } })).toEqual([
      'calendars: "24x7" is built in and cannot be redefined',
    ]);
  });

  it('rejects the same region configured twice under different spellings', () => {
    expect(problemsOf({ regions: { '2': '24x7', '02': '24x7' } })).toEqual([
      'regions.02: "02" is Республика Башкортостан, already configured as "2"',
    ]);
  });

  it('rejects a policy name that would make odd ids', () => {
    expect(problemsOf({ name: 'My Policy/1' })).toEqual([
      'name: use lower-case letters, digits, "_" and "-"',
    ]);
  });
});

describe('durations', () => {
  it('parses unit-suffixed durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1h 30m')).toBe(5_400_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
  });

  it('rejects what has no unit or an unknown one', () => {
    for (const bad of ['', '10', '1d', 'h', '1 hour', '-1h', '1h-5m'])
      expect(parseDuration(bad), bad).toBeUndefined();
  });

  it('formats durations back', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(86_400_000)).toBe('24h');
    expect(formatDuration(10_250)).toBe('10s250ms');
    expect(formatDuration(0)).toBe('0s');
  });
});

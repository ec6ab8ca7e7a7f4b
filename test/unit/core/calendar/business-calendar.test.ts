import { describe, expect, it } from 'vitest';
import { businessCalendar, CalendarError } from '../../../../services/core/calendar/index.js';
import { at, HOUR, iso, MINUTE, office, OFFICE_WEEK, utc } from './helpers.js';

const NSK = 'Asia/Novosibirsk';

describe('business calendar: weekends', () => {
  const calendar = office(NSK);

  it('carries a deadline from Friday evening over the weekend to Monday', () => {
    const fridayEvening = at('2026-11-27T17:00', NSK);
    const due = calendar.addWorkingTime(fridayEvening, 4 * HOUR);
    // One hour on Friday, three on Monday morning.
    expect(iso(due, NSK)).toBe('2026-11-30T12:00:00+07:00');
    expect(calendar.workingTimeBetween(fridayEvening, due)).toBe(4 * HOUR);
  });

  it('counts no working time over a weekend', () => {
    expect(calendar.workingTimeBetween(at('2026-11-27T18:00', NSK), at('2026-11-30T09:00', NSK))).toBe(0);
  });

  it('starts counting at the next opening when posted at night or on a weekend', () => {
    expect(iso(calendar.addWorkingTime(at('2026-11-28T14:00', NSK), HOUR), NSK)).toBe(
      '2026-11-30T10:00:00+07:00',
    );
    expect(iso(calendar.addWorkingTime(at('2026-11-25T03:00', NSK), HOUR), NSK)).toBe(
      '2026-11-25T10:00:00+07:00',
    );
  });

  it('ends at closing time, not the next opening, when the time runs out exactly at closing', () => {
    expect(iso(calendar.addWorkingTime(at('2026-11-27T17:00', NSK), HOUR), NSK)).toBe(
      '2026-11-27T18:00:00+07:00',
    );
  });

  it('returns the start itself for a zero duration', () => {
    const saturday = at('2026-11-28T14:00', NSK);
    expect(calendar.addWorkingTime(saturday, 0)).toBe(saturday);
  });
});

describe('business calendar: public holidays and transferred days', () => {
  const calendar = office(NSK);

  it('skips a public holiday (4 November, Unity Day, a Wednesday in 2026)', () => {
    const due = calendar.addWorkingTime(at('2026-11-03T17:00', NSK), 2 * HOUR);
    expect(iso(due, NSK)).toBe('2026-11-05T10:00:00+07:00');
    expect(calendar.workingTimeBetween(at('2026-11-04T00:00', NSK), at('2026-11-05T00:00', NSK))).toBe(0);
  });

  it('skips a Monday off transferred from a holiday on Sunday (8 March 2026 → 9 March)', () => {
    const due = calendar.addWorkingTime(at('2026-03-06T17:00', NSK), 2 * HOUR);
    expect(iso(due, NSK)).toBe('2026-03-10T10:00:00+07:00');
  });

  it('skips the days off moved by the 2026 decree: 9 January and 31 December', () => {
    expect(iso(calendar.addWorkingTime(at('2025-12-30T12:00', NSK), HOUR), NSK)).toBe(
      '2025-12-30T13:00:00+07:00',
    );
    // 9 January 2026 is a Friday off (moved from Saturday 3 January): work resumes on Monday 12 January.
    expect(iso(calendar.addWorkingTime(at('2026-01-08T12:00', NSK), HOUR), NSK)).toBe(
      '2026-01-12T10:00:00+07:00',
    );
    // 30 December, then 31 December off, the January holidays, the weekend: Monday 11 January 2027.
    const due = calendar.addWorkingTime(at('2026-12-30T17:00', NSK), 4 * HOUR);
    expect(iso(due, NSK)).toBe('2027-01-11T12:00:00+07:00');
  });

  it('works on a transferred working Saturday', () => {
    // 27 April 2024 was a working Saturday (its day off moved to 29 April).
    const calendar2024 = businessCalendar({
      zone: NSK,
      week: OFFICE_WEEK,
      holidays: ['2024-04-29', '2024-04-30', '2024-05-01'],
      workingWeekends: ['2024-04-27'],
    });
    const fridayEvening = at('2024-04-26T17:00', NSK);
    expect(iso(calendar2024.addWorkingTime(fridayEvening, 4 * HOUR), NSK)).toBe('2024-04-27T12:00:00+07:00');
    expect(calendar2024.workingTimeBetween(at('2024-04-27T00:00', NSK), at('2024-04-28T00:00', NSK))).toBe(
      9 * HOUR,
    );
    // After it, the bridge: 29 April to 1 May are off, 2 May works.
    expect(iso(calendar2024.addWorkingTime(at('2024-04-27T17:00', NSK), 2 * HOUR), NSK)).toBe(
      '2024-05-02T10:00:00+07:00',
    );
  });

  it('gives a working Saturday the hours of the chosen weekday', () => {
    const calendar2024 = businessCalendar({
      zone: NSK,
      week: { ...OFFICE_WEEK, fri: [['09:00', '16:45']] },
      workingWeekends: ['2024-04-27'],
      workingWeekendSchedule: 'fri',
    });
    expect(calendar2024.workingTimeBetween(at('2024-04-27T00:00', NSK), at('2024-04-28T00:00', NSK))).toBe(
      7 * HOUR + 45 * MINUTE,
    );
  });
});

describe('business calendar: Siberian zones', () => {
  // Friday 27 November 2026, 10:00 UTC: 16:00 in Omsk, 17:00 in Novosibirsk, 18:00 in Irkutsk.
  const posted = utc('2026-11-27T10:00');

  it('puts the same two-hour deadline at different instants in Omsk, Novosibirsk and Irkutsk', () => {
    const omsk = office('Asia/Omsk').addWorkingTime(posted, 2 * HOUR);
    const novosibirsk = office(NSK).addWorkingTime(posted, 2 * HOUR);
    const irkutsk = office('Asia/Irkutsk').addWorkingTime(posted, 2 * HOUR);
    expect(iso(omsk)).toBe('2026-11-27T12:00:00Z'); // 18:00 Omsk, the same evening
    expect(iso(novosibirsk)).toBe('2026-11-30T03:00:00Z'); // 1 h Friday + 1 h from 09:00 Monday
    expect(iso(irkutsk)).toBe('2026-11-30T03:00:00Z'); // already closed: 09:00 + 2 h Monday, UTC+8
    expect(iso(novosibirsk, NSK)).toBe('2026-11-30T10:00:00+07:00');
    expect(iso(irkutsk, 'Asia/Irkutsk')).toBe('2026-11-30T11:00:00+08:00');
  });

  it('measures the working time of the same interval per zone', () => {
    const mondayNoonUtc = utc('2026-11-30T05:00');
    expect(office('Asia/Omsk').workingTimeBetween(posted, mondayNoonUtc)).toBe(2 * HOUR + 2 * HOUR); // 16–18, 09–11
    expect(office(NSK).workingTimeBetween(posted, mondayNoonUtc)).toBe(HOUR + 3 * HOUR); // 17–18, 09–12
    expect(office('Asia/Irkutsk').workingTimeBetween(posted, mondayNoonUtc)).toBe(4 * HOUR); // 09–13
  });
});

describe('business calendar: midnight and offsets', () => {
  it('crosses midnight UTC inside a local working day (Vladivostok, UTC+10)', () => {
    const calendar = office('Asia/Vladivostok');
    // Sunday 22:30 UTC is Monday 08:30 in Vladivostok; opening at 09:00 local is 23:00 UTC.
    const due = calendar.addWorkingTime(utc('2026-11-29T22:30'), 2 * HOUR);
    expect(iso(due)).toBe('2026-11-30T01:00:00Z');
    expect(calendar.workingTimeBetween(utc('2026-11-29T23:30'), utc('2026-11-30T00:30'))).toBe(HOUR);
  });

  it('crosses local midnight over a night closure and keeps the UTC date right (Irkutsk)', () => {
    const calendar = office('Asia/Irkutsk');
    // Tuesday 09:30 UTC = 17:30 Irkutsk: 30 min today, 90 min from Wednesday 09:00 (Tuesday 01:00 UTC + 1 day).
    const due = calendar.addWorkingTime(utc('2026-11-24T09:30'), 2 * HOUR);
    expect(iso(due)).toBe('2026-11-25T02:30:00Z');
  });

  it('counts a 24-hour day as working time across local midnight', () => {
    const allDay = [['00:00', '24:00']] as const;
    const calendar = businessCalendar({
      zone: 'Asia/Omsk',
      week: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay },
    });
    // Friday 23:00 Omsk + 2 h: one hour Friday, the weekend off, one hour Monday.
    expect(iso(calendar.addWorkingTime(at('2026-11-27T23:00', 'Asia/Omsk'), 2 * HOUR), 'Asia/Omsk')).toBe(
      '2026-11-30T01:00:00+06:00',
    );
  });

  it('is exact across daylight-saving changes in a DST zone', () => {
    const allWeek = [['00:00', '24:00']] as const;
    const week = {
      mon: allWeek,
      tue: allWeek,
      wed: allWeek,
      thu: allWeek,
      fri: allWeek,
      sat: allWeek,
      sun: allWeek,
    };
    const berlin = businessCalendar({ zone: 'Europe/Berlin', week });
    // 29 March 2026 has 23 hours in Berlin, 25 October 2026 has 25.
    expect(
      berlin.workingTimeBetween(
        at('2026-03-29T00:00', 'Europe/Berlin'),
        at('2026-03-30T00:00', 'Europe/Berlin'),
      ),
    ).toBe(23 * HOUR);
    expect(
      berlin.workingTimeBetween(
        at('2026-10-25T00:00', 'Europe/Berlin'),
        at('2026-10-26T00:00', 'Europe/Berlin'),
      ),
    ).toBe(25 * HOUR);
    const office9to18 = businessCalendar({ zone: 'Europe/Berlin', week: OFFICE_WEEK });
    // Friday 17:00 CET + 2 h lands on Monday 10:00 CEST, one wall-clock hour "later" in UTC terms.
    expect(iso(office9to18.addWorkingTime(at('2026-03-27T17:00', 'Europe/Berlin'), 2 * HOUR))).toBe(
      '2026-03-30T08:00:00Z',
    );
  });
});

describe('business calendar: clocks changed at midnight (America/Santiago)', () => {
  const SCL = 'America/Santiago';
  const allDay = [['00:00', '24:00']] as const;
  const everyDay = businessCalendar({
    zone: SCL,
    week: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
  });

  it('gives 4 April 2026 its 25 hours and 6 September its 23', () => {
    expect(everyDay.workingTimeBetween(at('2026-04-04T00:00', SCL), at('2026-04-05T00:00', SCL))).toBe(
      25 * HOUR,
    );
    expect(everyDay.workingTimeBetween(at('2026-09-06T01:00', SCL), at('2026-09-07T00:00', SCL))).toBe(
      23 * HOUR,
    );
  });

  it('finds the right local day for instants in the repeated hour', () => {
    const office9to18 = businessCalendar({ zone: SCL, week: OFFICE_WEEK });
    // Saturday 4 April 23:30, the second time round (UTC-4): the office is closed until Monday.
    const repeated = utc('2026-04-05T03:30');
    expect(iso(repeated, SCL)).toBe('2026-04-04T23:30:00-04:00');
    expect(iso(office9to18.addWorkingTime(repeated, HOUR), SCL)).toBe('2026-04-06T10:00:00-04:00');
    expect(iso(office9to18.addWorkingTime(at('2026-04-03T17:30', SCL), HOUR), SCL)).toBe(
      '2026-04-06T09:30:00-04:00',
    );
  });
});

describe('business calendar: several periods a day', () => {
  const calendar = businessCalendar({
    zone: NSK,
    week: {
      mon: [
        ['09:00', '13:00'],
        ['14:00', '18:00'],
      ],
      tue: [
        ['09:00', '13:00'],
        ['14:00', '18:00'],
      ],
    },
  });

  it('skips the lunch break', () => {
    expect(iso(calendar.addWorkingTime(at('2026-11-30T12:00', NSK), 2 * HOUR), NSK)).toBe(
      '2026-11-30T15:00:00+07:00',
    );
    expect(iso(calendar.addWorkingTime(at('2026-11-30T13:20', NSK), 30 * MINUTE), NSK)).toBe(
      '2026-11-30T14:30:00+07:00',
    );
    expect(calendar.workingTimeBetween(at('2026-11-30T08:00', NSK), at('2026-11-30T20:00', NSK))).toBe(
      8 * HOUR,
    );
  });

  it('jumps from Tuesday to the next Monday when only two weekdays work', () => {
    expect(iso(calendar.addWorkingTime(at('2026-12-01T17:00', NSK), 2 * HOUR), NSK)).toBe(
      '2026-12-07T10:00:00+07:00',
    );
  });
});

describe('business calendar: arguments and definitions', () => {
  const calendar = office(NSK);

  it('is antisymmetric', () => {
    const a = at('2026-11-27T17:00', NSK);
    const b = at('2026-11-30T12:00', NSK);
    expect(calendar.workingTimeBetween(b, a)).toBe(-4 * HOUR);
    expect(calendar.workingTimeBetween(a, a)).toBe(0);
  });

  it('rejects a negative or non-finite duration and a non-finite instant with a stable code', () => {
    expect(() => calendar.addWorkingTime(0, -1)).toThrow(CalendarError);
    expect(() => calendar.addWorkingTime(Number.NaN, 1)).toThrow(
      expect.objectContaining({ code: 'CALENDAR_BAD_ARGUMENT' }),
    );
    expect(() => calendar.workingTimeBetween(0, Number.POSITIVE_INFINITY)).toThrow(CalendarError);
  });

  it('rejects bad definitions with messages that name the problem', () => {
    const invalid = (options: Parameters<typeof businessCalendar>[0]) => () => businessCalendar(options);
    expect(invalid({ zone: 'Asia/Novosibirk', week: OFFICE_WEEK })).toThrow(/not a known IANA time zone/);
    expect(invalid({ zone: NSK, week: {} })).toThrow(/at least one weekday/);
    expect(invalid({ zone: NSK, week: { mon: [['18:00', '09:00']] } })).toThrow(
      /week\.mon\[0\].*cannot cross midnight/,
    );
    expect(invalid({ zone: NSK, week: { mon: [['9:00', '18:00']] } })).toThrow(/"HH:MM"/);
    expect(
      invalid({
        zone: NSK,
        week: {
          mon: [
            ['09:00', '13:00'],
            ['12:00', '18:00'],
          ],
        },
      }),
    ).toThrow(/must not overlap/);
    expect(invalid({ zone: NSK, week: OFFICE_WEEK, holidays: ['2026-02-30'] })).toThrow(
      /not a YYYY-MM-DD date/,
    );
    expect(
      invalid({ zone: NSK, week: OFFICE_WEEK, holidays: ['2026-05-09'], workingWeekends: ['2026-05-09'] }),
    ).toThrow(/both/);
    expect(invalid({ zone: NSK, week: OFFICE_WEEK, workingWeekendSchedule: 'sun' })).toThrow(
      /no working hours/,
    );
  });

  it('reports a calendar whose holidays leave no working time instead of looping forever', () => {
    const days: string[] = [];
    for (let d = Date.UTC(2026, 0, 1); d < Date.UTC(2028, 0, 1); d += 86_400_000) {
      days.push(new Date(d).toISOString().slice(0, 10));
    }
    const closed = businessCalendar({ zone: NSK, week: OFFICE_WEEK, holidays: days });
    expect(() => closed.addWorkingTime(utc('2026-01-01T00:00'), HOUR)).toThrow(
      expect.objectContaining({ code: 'CALENDAR_NO_WORKING_TIME' }),
    );
  });
});

describe('business calendar: efficiency', () => {
  it('computes far deadlines by periods, not by minutes', () => {
    const calendar = office(NSK);
    const start = at('2026-01-01T00:00', NSK);
    const begun = performance.now();
    let due = start;
    for (let i = 0; i < 200; i++) due = calendar.addWorkingTime(start + i * 37 * MINUTE, 24 * HOUR);
    const elapsed = performance.now() - begun;
    expect(due).toBeGreaterThan(start);
    expect(elapsed).toBeLessThan(1000);
  });

  it('measures a whole year: 247 working days of 9 hours in 2026', () => {
    const calendar = office(NSK);
    expect(calendar.workingTimeBetween(at('2026-01-01T00:00', NSK), at('2027-01-01T00:00', NSK))).toBe(
      247 * 9 * HOUR,
    );
    expect(calendar.addWorkingTime(at('2026-01-01T00:00', NSK), 247 * 9 * HOUR)).toBe(
      at('2026-12-30T18:00', NSK),
    );
  });
});

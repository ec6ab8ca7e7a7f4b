import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  computeDeadlines,
  parsePolicyConfig,
  resolvePolicy,
  type PolicySubject,
} from '../../../../services/core/sla/policy.js';
import { at, HOUR, iso, MINUTE, OFFICE_WEEK, utc } from '../calendar/helpers.js';

const NSK = 'Asia/Novosibirsk';
const subject = (overrides: Partial<PolicySubject> = {}): PolicySubject => ({
  region: '54',
  category: 'housing_utilities',
  type: 'complaint',
  priority: 'normal',
  ...overrides,
});

function loadSla(path: string): unknown {
  return (
    parseYaml(readFileSync(new URL(`../../../../${path}`, import.meta.url), 'utf8')) as { sla: unknown }
  ).sla;
}

describe('policy defaults (docs/design.md#sla-semantics)', () => {
  const config = parsePolicyConfig({});

  it('fills every default from an empty or absent section', () => {
    expect(parsePolicyConfig(undefined)).toEqual(config);
    expect(parsePolicyConfig(null)).toEqual(config);
    expect(config).toMatchObject({
      name: 'default',
      targets: { critical: HOUR, high: 2 * HOUR, normal: 4 * HOUR, low: 24 * HOUR },
      warnFraction: 0.75,
      defaultCalendar: '24x7',
    });
  });

  it('resolves each priority to its target on 24×7 with a stable policy id', () => {
    for (const [priority, target] of [
      ['critical', HOUR],
      ['high', 2 * HOUR],
      ['normal', 4 * HOUR],
      ['low', 24 * HOUR],
    ] as const) {
      const resolved = resolvePolicy(config, subject({ priority }));
      expect(resolved).toMatchObject({
        policyId: `default/${priority}`,
        targetMs: target,
        calendarId: '24x7',
      });
    }
  });

  it('warns at 0.75 of the target and breaches at the target', () => {
    const resolved = resolvePolicy(config, subject({ priority: 'critical' }))!;
    const posted = utc('2026-11-28T23:30');
    const { warnAtMs, dueAtMs } = computeDeadlines(resolved, posted);
    expect(warnAtMs - posted).toBe(45 * MINUTE);
    expect(iso(dueAtMs)).toBe('2026-11-29T00:30:00Z');
  });
});

describe('resolvePolicy', () => {
  const office = { zone: 'region', week: OFFICE_WEEK };
  const config = parsePolicyConfig({
    name: 'sib',
    categoryTargets: { safety_emergency: { critical: '30m' } },
    noSla: { categories: ['culture_sport'], types: ['gratitude'] },
    calendars: {
      office,
      'nsk-hotline': { zone: NSK, week: { ...OFFICE_WEEK, sat: [['10:00', '14:00']] } },
    },
    districts: { Siberian: 'office' },
    regions: { '54': 'nsk-hotline', 77: 'office' },
  });

  it('uses a category target where one is set, and says so in the policy id', () => {
    expect(
      resolvePolicy(config, subject({ category: 'safety_emergency', priority: 'critical' })),
    ).toMatchObject({
      policyId: 'sib/safety_emergency/critical',
      targetMs: 30 * MINUTE,
    });
    expect(resolvePolicy(config, subject({ category: 'safety_emergency', priority: 'high' }))).toMatchObject({
      policyId: 'sib/high',
      targetMs: 2 * HOUR,
    });
  });

  it('returns null for categories and types that open no SLA', () => {
    expect(resolvePolicy(config, subject({ category: 'culture_sport' }))).toBeNull();
    expect(resolvePolicy(config, subject({ type: 'gratitude' }))).toBeNull();
  });

  it('picks the region entry, else the federal district entry, else the default calendar', () => {
    expect(resolvePolicy(config, subject({ region: '54' }))?.calendarId).toBe(`nsk-hotline@${NSK}`);
    expect(resolvePolicy(config, subject({ region: '55' }))?.calendarId).toBe('office@Asia/Omsk');
    expect(resolvePolicy(config, subject({ region: '38' }))?.calendarId).toBe('office@Asia/Irkutsk');
    expect(resolvePolicy(config, subject({ region: '42' }))?.calendarId).toBe('office@Asia/Novokuznetsk');
    expect(resolvePolicy(config, subject({ region: '77' }))?.calendarId).toBe('office@Europe/Moscow');
    expect(resolvePolicy(config, subject({ region: '46' }))?.calendarId).toBe('24x7');
    expect(resolvePolicy(config, subject({ region: 'nowhere' }))?.calendarId).toBe('24x7');
  });

  it('follows Moscow time for an unknown region on a region-zoned default calendar', () => {
    const moscowDefault = parsePolicyConfig({ calendars: { office }, defaultCalendar: 'office' });
    expect(resolvePolicy(moscowDefault, subject({ region: '' }))?.calendarId).toBe('office@Europe/Moscow');
  });

  it('builds each calendar once per config and zone', () => {
    const a = resolvePolicy(config, subject({ region: '55' }))!;
    const b = resolvePolicy(config, subject({ region: '55', priority: 'low' }))!;
    expect(a.calendar).toBe(b.calendar);
  });

  it('computes deadlines in working time of the region: Friday evening to Monday', () => {
    // Friday 17:00 in Omsk; normal priority: 4 h target, warning after 3 h.
    const resolved = resolvePolicy(config, subject({ region: '55' }))!;
    const { warnAtMs, dueAtMs } = computeDeadlines(resolved, at('2026-11-27T17:00', 'Asia/Omsk'));
    expect(iso(warnAtMs, 'Asia/Omsk')).toBe('2026-11-30T11:00:00+06:00');
    expect(iso(dueAtMs, 'Asia/Omsk')).toBe('2026-11-30T12:00:00+06:00');
  });

  it('places the same comment differently in Omsk, Novosibirsk district calendar and Irkutsk', () => {
    const sameDistrictCalendar = parsePolicyConfig({
      calendars: { office },
      districts: { Siberian: 'office' },
    });
    const posted = utc('2026-11-27T10:00'); // Friday: 16:00 Omsk, 17:00 Novosibirsk, 18:00 Irkutsk
    const due = (region: string) =>
      iso(
        computeDeadlines(resolvePolicy(sameDistrictCalendar, subject({ region, priority: 'high' }))!, posted)
          .dueAtMs,
      );
    expect(due('55')).toBe('2026-11-27T12:00:00Z');
    expect(due('54')).toBe('2026-11-30T03:00:00Z');
    expect(due('38')).toBe('2026-11-30T03:00:00Z');
  });

  it('skips the holidays of the production calendar unless the calendar says otherwise', () => {
    const withProduction = parsePolicyConfig({ calendars: { office }, defaultCalendar: 'office' });
    const workingNewYearsEve = parsePolicyConfig({
      calendars: { office: { ...office, workingDays: ['2026-12-31'], holidays: ['2026-12-29'] } },
      defaultCalendar: 'office',
    });
    const withoutProduction = parsePolicyConfig({
      calendars: { office: { ...office, productionCalendar: 'none' } },
      defaultCalendar: 'office',
    });
    const posted = at('2026-12-28T17:00', NSK);
    const dueIn = (config: ReturnType<typeof parsePolicyConfig>) =>
      iso(computeDeadlines(resolvePolicy(config, subject())!, posted).dueAtMs, NSK);
    expect(dueIn(withProduction)).toBe('2026-12-29T12:00:00+07:00');
    expect(dueIn(workingNewYearsEve)).toBe('2026-12-30T12:00:00+07:00');
    const fromDecember30 = at('2026-12-30T17:00', NSK);
    expect(
      iso(computeDeadlines(resolvePolicy(withProduction, subject())!, fromDecember30).dueAtMs, NSK),
    ).toBe('2027-01-11T12:00:00+07:00');
    expect(
      iso(computeDeadlines(resolvePolicy(workingNewYearsEve, subject())!, fromDecember30).dueAtMs, NSK),
    ).toBe('2026-12-31T12:00:00+07:00');
    expect(
      iso(computeDeadlines(resolvePolicy(withoutProduction, subject())!, fromDecember30).dueAtMs, NSK),
    ).toBe('2026-12-31T12:00:00+07:00');
  });

  it('accepts region codes in any spelling and as unquoted YAML numbers', () => {
    const config2 = parsePolicyConfig(
      parseYaml(`
calendars:
  office: { week: { mon: [["09:00", "18:00"]] } }
regions:
  2: office
  154: office
`),
    );
    expect(config2.regions).toEqual({ '02': 'office', '54': 'office' });
    expect(resolvePolicy(config2, subject({ region: '02' }))?.calendarId).toBe('office@Asia/Yekaterinburg');
    expect(resolvePolicy(config2, subject({ region: '54' }))?.calendarId).toBe(`office@${NSK}`);
  });
});

describe('shipped config files', () => {
  it('the example parses and routes Siberia to office hours and Novosibirsk to its hotline', () => {
    const config = parsePolicyConfig(loadSla('config/otklik.example.yaml'));
    expect(config.targets).toEqual({ critical: HOUR, high: 2 * HOUR, normal: 4 * HOUR, low: 24 * HOUR });
    expect(resolvePolicy(config, subject({ region: '70' }))?.calendarId).toBe('office@Asia/Tomsk');
    expect(resolvePolicy(config, subject({ region: '54' }))?.calendarId).toBe(`nsk-hotline@${NSK}`);
    expect(resolvePolicy(config, subject({ region: '77' }))?.calendarId).toBe('24x7');
  });

  it('the demo has second-scale targets so alerts appear within a minute', () => {
    const config = parsePolicyConfig(loadSla('config/demo.yaml'));
    const expected = { critical: 10_000, high: 15_000, normal: 20_000, low: 40_000 } as const;
    for (const [priority, target] of Object.entries(expected)) {
      const resolved = resolvePolicy(config, subject({ priority: priority as PolicySubject['priority'] }))!;
      expect(resolved).toMatchObject({
        policyId: `demo/${priority}`,
        targetMs: target,
        warnFraction: 0.5,
        escalationIntervalMs: 10_000,
        maxEscalationLevel: 2,
      });
      const { warnAtMs, dueAtMs } = computeDeadlines(resolved, 1_000_000);
      expect(warnAtMs).toBe(1_000_000 + target / 2);
      expect(dueAtMs).toBe(1_000_000 + target);
    }
    // The slowest alert, the last escalation of a low comment: 40 s + 2 × 10 s.
    expect(40_000 + 2 * 10_000).toBeLessThanOrEqual(60_000);
  });
});

import { describe, expect, it } from 'vitest';
import { parsePolicyConfig } from '../../../../services/core/sla/policy.js';
import { longestAlertSpanMs, shortRetentions } from '../../../../services/core/sla/retention.js';

const HOUR = 3_600_000;
const MONDAY = Date.UTC(2026, 11, 7, 0, 0);

describe('how long the log must keep a comment for a rebuild', () => {
  it('is the longest target plus every escalation on a 24x7 calendar', () => {
    expect(longestAlertSpanMs(parsePolicyConfig({}), MONDAY)).toBe(24 * HOUR + 3 * HOUR);
    const tight = parsePolicyConfig({ targets: { low: '2h' }, escalation: { every: '30m', maxLevel: 2 } });
    expect(longestAlertSpanMs(tight, MONDAY)).toBe(4 * HOUR + HOUR);
  });

  it('spans nights and weekends when a region works office hours', () => {
    const office = parsePolicyConfig({
      calendars: {
        office: {
          zone: 'Europe/Moscow',
          week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '18:00']]])),
        },
      },
      regions: { '77': 'office' },
    });
    // 24 working hours from a Friday evening end on the Wednesday after: far more than 24 h of wall time.
    expect(longestAlertSpanMs(office, MONDAY)).toBeGreaterThan(4 * 24 * HOUR);
  });

  it('names the topics that keep less, never one kept for ever', () => {
    const retentions = new Map([
      ['classified', 7 * 24 * HOUR],
      ['alerts', HOUR],
      ['comments', -1],
    ]);
    expect(shortRetentions(retentions, 27 * HOUR)).toEqual([{ topic: 'alerts', retentionMs: HOUR }]);
  });
});

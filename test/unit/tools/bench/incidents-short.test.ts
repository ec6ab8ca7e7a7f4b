/**
 * The incident bench on one small synthetic day: cheap, and it fails when the detector or the scoring
 * stops making sense (no campaign found, figures out of range, ground truth broken).
 */
import { describe, expect, it } from 'vitest';
import { runDays } from '../../../../tools/bench/incidents-run.js';
import { syntheticDay } from '../../../../tools/harness/incidents/day.js';

const SMALL_DAY = { comments: 4000, incidents: 4, campaigns: 1 };

describe('bench:incidents, short', () => {
  it('generates a day whose ground truth is in the stream, with no incident in the first 6 hours', () => {
    const day = syntheticDay(7, SMALL_DAY);
    const keys = new Set(day.events.map((e) => `${e.platform}:${e.comment_id}`));
    expect(day.truth).toHaveLength(5);
    for (const t of day.truth) {
      expect(t.members.every((m) => keys.has(m))).toBe(true);
      expect(t.firstAt).toBeGreaterThanOrEqual(day.startMs + 6 * 3_600_000);
    }
    for (let i = 1; i < day.events.length; i++)
      expect(day.events[i]!.posted_at).toBeGreaterThanOrEqual(day.events[i - 1]!.posted_at);
  });

  it('finds the campaign and gives figures in range', () => {
    const { figures } = runDays([7], SMALL_DAY);
    expect(figures.campaign_recall).toBe(1);
    expect(figures.recall).toBeGreaterThan(0);
    expect(figures.precision).toBeGreaterThan(0);
    expect(figures.precision).toBeLessThanOrEqual(1);
    expect(Number.isFinite(figures.median_delay_min)).toBe(true);
    expect(figures.per_s).toBeGreaterThan(1000);
  });
});

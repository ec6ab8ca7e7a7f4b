/**
 * The steady-state share of open items waiting in `soon` (bench:sla's bytes per item between its two
 * measured ends) against figures worked out by hand from the wheel's rules in includes/wheel.lua.
 */
import { describe, expect, it } from 'vitest';
import {
  steadyStateSoonShare,
  windowMoveTime,
  WHEEL_RULES,
} from '../../../../tools/bench/sla-steady-soon.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 0, 1, 8); // a four-hour block's start

describe('steady-state share in soon', () => {
  it('reads the wheel rules from the script', () => {
    expect(WHEEL_RULES).toMatchObject({ slotMs: MIN, tenMs: 10 * MIN, hourMs: HOUR, blockMs: 4 * HOUR });
  });

  it('places an alert in the window its lead chooses and moves it at that window`s move time', () => {
    // 5 min ahead: its minute, one minute before.
    expect(windowMoveTime(T0, T0 + 5 * MIN + 30_000)).toBe(T0 + 4 * MIN);
    // 15 min ahead: its ten minutes, two minutes before.
    expect(windowMoveTime(T0, T0 + 15 * MIN)).toBe(T0 + 8 * MIN);
    // 90 min ahead: its hour, ten minutes before.
    expect(windowMoveTime(T0, T0 + 90 * MIN)).toBe(T0 + 50 * MIN);
    // 18 h ahead: its four hours, ten minutes before.
    expect(windowMoveTime(T0, T0 + 18 * HOUR + 5 * MIN)).toBe(T0 + 16 * HOUR - 10 * MIN);
  });

  it('gives the hand-worked share of each target', () => {
    // 1 h: WARNING 45 min ahead and BREACH 15 min after it, each in a ten-minute window that moves 2
    // min before its start: 2 + 5 min on average in soon each, 14 of 60 minutes.
    expect(steadyStateSoonShare([{ share: 1, targetMs: HOUR }]).mean).toBeCloseTo(14 / 60, 2);
    // 2 h: WARNING 90 min ahead in an hour window (10 + 30 min), BREACH 30 min after it (7 min).
    expect(steadyStateSoonShare([{ share: 1, targetMs: 2 * HOUR }]).mean).toBeCloseTo(47 / 120, 2);
    // 24 h: both 18 h and 6 h ahead in four-hour windows, 10 + 120 min each.
    expect(steadyStateSoonShare([{ share: 1, targetMs: 24 * HOUR }]).mean).toBeCloseTo(260 / 1440, 2);
    // A mix weighs each target by its share of the open items (share x target).
    const mix = steadyStateSoonShare([
      { share: 0.5, targetMs: HOUR },
      { share: 0.5, targetMs: 24 * HOUR },
    ]).mean;
    expect(mix).toBeCloseTo((14 + 260) / (60 + 1440), 2);
  });

  it('peaks just after a four-hour window has moved', () => {
    // 24 h only: just after a move, the alerts of the next 4 h 10 min of each of the two alerts' spans
    // (18 h of WARNINGs, 6 h of BREACHes) wait: 2 x 250 of 1,440 minutes.
    const { mean, peak } = steadyStateSoonShare([{ share: 1, targetMs: 24 * HOUR }]);
    expect(peak).toBeCloseTo(500 / 1440, 2);
    expect(peak).toBeGreaterThan(mean);
  });
});

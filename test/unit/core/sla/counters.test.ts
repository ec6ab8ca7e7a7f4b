import { describe, expect, it } from 'vitest';
import {
  breakdownBy,
  complianceFrom,
  epochDayOf,
  responseHistogramsOf,
  sumCounterHashes,
  sumDailyHashes,
  totalsOf,
} from '../../../../services/core/sla/counters.js';

const shardA = {
  'opened|54|housing_utilities|critical': '3',
  'answered_in_time|54|housing_utilities|critical': '2',
  'answered_late|77|healthcare|high': '1',
  'rt|critical|15': '2',
  'rt|critical|inf': '1',
  'rt_sum_ms|critical': '90000000',
};
const shardB = {
  'opened|54|housing_utilities|critical': '1',
  'opened|77|healthcare|high': '4',
  'cancelled|77|healthcare|high': '1',
  'rt|high|60': '1',
  'rt_sum_ms|high': '3000000',
};

describe('counter helpers', () => {
  it('sum shards, then break totals down by region, category and priority', () => {
    const rows = sumCounterHashes([shardA, shardB]);
    expect(totalsOf(rows)).toMatchObject({ opened: 8, answered_in_time: 2, answered_late: 1, cancelled: 1 });
    const byRegion = breakdownBy(rows, 'region');
    expect(byRegion['54']).toMatchObject({ opened: 4, answered_in_time: 2, cancelled: 0 });
    expect(byRegion['77']).toMatchObject({ opened: 4, answered_late: 1, cancelled: 1 });
    expect(Object.keys(breakdownBy(rows, 'category')).sort()).toEqual(['healthcare', 'housing_utilities']);
    expect(breakdownBy(rows, 'priority').high?.opened).toBe(4);
  });

  it('keeps only the asked day of the daily buckets', () => {
    const day = epochDayOf(Date.UTC(2026, 10, 28, 23, 59));
    expect(epochDayOf(Date.UTC(2026, 10, 29))).toBe(day + 1);
    const rows = sumDailyHashes(
      [
        { [`${day}|opened|54|other|low`]: '2', [`${day - 1}|opened|54|other|low`]: '5' },
        { [`${day}|opened|54|other|low`]: '1', [`${day}1|opened|54|other|low`]: '9' },
      ],
      day,
    );
    expect(rows).toEqual([{ metric: 'opened', region: '54', category: 'other', priority: 'low', value: 3 }]);
  });

  it('reads the response-time histogram per priority', () => {
    const h = responseHistogramsOf([shardA, shardB]);
    expect(h.critical).toMatchObject({ count: 3, sumMs: 90_000_000 });
    expect(h.critical?.buckets.map((b) => [b.leMinutes, b.count])).toEqual([
      [15, 2],
      [30, 0],
      [60, 0],
      [120, 0],
      [240, 0],
      [480, 0],
      [1440, 0],
      [null, 1],
    ]);
    expect(h.high?.buckets.find((b) => b.leMinutes === 60)?.count).toBe(1);
  });

  it('computes compliance, null before anything was answered', () => {
    const totals = totalsOf(sumCounterHashes([shardA]));
    expect(complianceFrom(totals)).toEqual({ answeredInTime: 2, answeredLate: 1, ratio: 2 / 3 });
    expect(complianceFrom(totalsOf([])).ratio).toBeNull();
  });
});

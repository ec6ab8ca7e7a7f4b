import { describe, expect, it } from 'vitest';
import { formatDuration, formatTable } from '../../../../services/apps/cli/format.js';
import { startOffsets } from '../../../../services/apps/cli/kafka/follow-topic.js';
import { groupCounters } from '../../../../services/apps/cli/stats-table.js';
import type { CounterRow } from '../../../../services/core/sla/counters.js';

describe('formatting', () => {
  it('durations', () => {
    expect(formatDuration(30_000)).toBe('30s');
    expect(formatDuration(45 * 60_000)).toBe('45m');
    expect(formatDuration(125 * 60_000)).toBe('2h05m');
    expect(formatDuration(-60_000)).toBe('-1m');
    expect(formatDuration(50 * 3_600_000)).toBe('2d02h');
  });
  it('tables right-align numbers and count Cyrillic letters as one column', () => {
    expect(
      formatTable(
        ['регион', 'n'],
        [
          ['Омск', 5],
          ['Тверь', 12],
        ],
      ),
    ).toBe(['регион   n', '------  --', 'Омск     5', 'Тверь   12'].join('\n'));
  });
});

describe('startOffsets', () => {
  const partitions = [
    { partition: 0, low: '0', high: '10' },
    { partition: 1, low: '5', high: '7' },
  ];
  it('seeks to the beginning, the end, or N back without going below the low watermark', () => {
    expect(startOffsets(partitions, 'beginning').map((p) => p.offset)).toEqual(['0', '5']);
    expect(startOffsets(partitions, 'end').map((p) => p.offset)).toEqual(['10', '7']);
    expect(startOffsets(partitions, { lastPerPartition: 3 }).map((p) => p.offset)).toEqual(['7', '5']);
  });
});

describe('groupCounters', () => {
  const row = (
    metric: CounterRow['metric'],
    region: string,
    priority: string,
    value: number,
  ): CounterRow => ({
    metric,
    region,
    category: 'housing_utilities',
    priority,
    value,
  });
  const rows = [
    row('open', '54', 'critical', 3),
    row('open', '54', 'normal', 1),
    row('open', '77', 'normal', 7),
    row('answered_in_time', '54', 'normal', 3),
    row('answered_late', '54', 'normal', 1),
  ];
  it('sums per group, biggest backlog first, with a total and compliance', () => {
    const { groups, total } = groupCounters(rows, ['region']);
    expect(groups.map((g) => [g.key.region, g.totals.open, g.compliance])).toEqual([
      ['77', 7, null],
      ['54', 4, 0.75],
    ]);
    expect(total.totals.open).toBe(11);
  });
  it('filters before grouping', () => {
    const { groups } = groupCounters(rows, ['priority'], { region: '54' });
    expect(groups.map((g) => [g.key.priority, g.totals.open])).toEqual([
      ['critical', 3],
      ['normal', 1],
    ]);
  });
});

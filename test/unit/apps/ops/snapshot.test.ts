import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadOpsConfig } from '../../../../services/apps/ops/config.js';
import { FilterError, parseFilter } from '../../../../services/apps/ops/filter.js';
import { authorised, sameSecret, sessionValue } from '../../../../services/apps/ops/auth.js';
import { buildSnapshot, contentKey, severityOf } from '../../../../services/apps/ops/snapshot.js';
import type {
  DeadlineScan,
  LifecycleGaugeRow,
} from '../../../../services/adapters/redis/reader/sla-reader.js';
import type { CounterRow } from '../../../../services/core/sla/counters.js';

const row = (
  metric: CounterRow['metric'],
  region: string,
  category: string,
  priority: string,
  value: number,
) => ({
  metric,
  region,
  category,
  priority,
  value,
});

const scan: DeadlineScan = {
  now: 1_000_000,
  horizonMs: 3_600_000,
  dueWithin: 3,
  truncated: false,
  overdueTotal: 2,
  overdueTotalExact: true,
  cells: [
    // 54's overdue critical comment is in the late wheel (the gauge below counts it); 77's is not yet.
    {
      target: 'FIRST_REPLY',
      region: '54',
      category: 'housing_utilities',
      priority: 'normal',
      overdueUnclaimed: 0,
      dueSoon: 2,
    },
    {
      target: 'FIRST_REPLY',
      region: '77',
      category: 'roads_transport',
      priority: 'normal',
      overdueUnclaimed: 1,
      dueSoon: 1,
    },
  ],
  overdue: [],
};
const counters = [
  row('open', '54', 'housing_utilities', 'critical', 2),
  row('open', '54', 'housing_utilities', 'normal', 8),
  row('open', '77', 'roads_transport', 'normal', 20),
  row('open', '66', 'ecology', 'low', 0),
  row('overdue', '54', 'housing_utilities', 'critical', 1),
  row('opened', '54', 'housing_utilities', 'normal', 50),
];
const today = [
  row('answered_in_time', '54', 'housing_utilities', 'normal', 3),
  row('answered_late', '77', 'roads_transport', 'normal', 1),
  row('opened', '54', 'housing_utilities', 'normal', 4),
];

describe('board snapshot', () => {
  it('sums totals, cells, rows and columns, worst first, with severities', () => {
    const s = buildSnapshot({ counters, today, scan, filter: {} });
    expect(s.totals).toMatchObject({
      open: 30,
      overdue: 2,
      dueWithinHour: 3,
      complianceToday: 0.75,
      openedToday: 4,
    });
    expect(s.regions.map((r) => [r.code, r.name, r.open, r.overdue, r.severity])).toEqual([
      ['54', 'Новосибирская область', 10, 1, 'critical'],
      ['77', 'Москва', 20, 1, 'warn'],
    ]);
    expect(s.cells).toContainEqual({
      region: '77',
      category: 'roads_transport',
      open: 20,
      overdue: 1,
      severity: 'warn',
    });
    expect(s.categories.map((c) => c.code)).toEqual(['housing_utilities', 'roads_transport']);
  });
  it('applies the filter to every figure', () => {
    const s = buildSnapshot({ counters, today, scan, filter: { priority: 'normal' } });
    expect(s.totals).toMatchObject({ open: 28, overdue: 1, dueWithinHour: 3, complianceToday: 0.75 });
    expect(s.regions.map((r) => [r.code, r.severity])).toEqual([
      ['77', 'warn'],
      ['54', 'ok'],
    ]);
  });
  it('takes the unfiltered overdue total from the scan (late wheels), which the cap does not shorten', () => {
    const s = buildSnapshot({
      counters,
      today,
      scan: { ...scan, truncated: true, overdueTotal: 9 },
      filter: {},
    });
    expect(s.totals).toMatchObject({ overdue: 9, overdueExact: true });
    expect(s.partial).toBe(true);
    const f = buildSnapshot({
      counters,
      today,
      scan: { ...scan, truncated: true },
      filter: { region: '54' },
    });
    // Per cell and filtered, overdue is the gauge plus the unclaimed ones: the cap does not shorten it.
    expect(f.totals).toMatchObject({ overdue: 1, overdueExact: true });
    const behind = buildSnapshot({
      counters,
      today,
      scan: { ...scan, truncated: true, overdueTotalExact: false },
      filter: { region: '54' },
    });
    expect(behind.totals).toMatchObject({ overdue: 1, overdueExact: false });
  });
  it('per cell, overdue is the overdue gauge plus the overdue comments whose BREACH is not claimed yet', () => {
    const s = buildSnapshot({
      counters: [
        ...counters,
        row('overdue', '77', 'roads_transport', 'normal', 5),
        row('overdue', '77', 'roads_transport', 'high', 2),
      ],
      today,
      scan: { ...scan, truncated: true, overdueTotal: 9 },
      filter: {},
    });
    expect(s.cells).toContainEqual({
      region: '77',
      category: 'roads_transport',
      open: 20,
      overdue: 8,
      severity: 'critical',
    });
    expect(s.cells.reduce((sum, c) => sum + c.overdue, 0)).toBe(9);
    expect(s.totals).toMatchObject({ overdue: 9, overdueExact: true });
  });
  it('keeps the first reply apart from the final answer, the next reply and paused appeals', () => {
    const gauge = (metric: LifecycleGaugeRow['metric'], region: string, priority: string, value: number) =>
      ({ metric, region, category: 'roads_transport', priority, value }) as LifecycleGaugeRow;
    const lifecycle = [
      gauge('final_open', '77', 'normal', 6),
      gauge('final_overdue', '77', 'normal', 2),
      gauge('final_open', '54', 'critical', 1),
      gauge('next_open', '77', 'normal', 3),
      gauge('paused', '77', 'normal', 4),
      gauge('paused', '54', 'critical', 1),
    ];
    const other = (target: 'FINAL_ANSWER' | 'NEXT_REPLY', overdueUnclaimed: number, dueSoon: number) => ({
      target,
      region: '77',
      category: 'roads_transport',
      priority: 'normal',
      overdueUnclaimed,
      dueSoon,
    });
    // The late wheels hold the first reply's 2 and the final answer's 2: overdueTotal 4 + 1 unclaimed final.
    const withOthers: DeadlineScan = {
      ...scan,
      overdueTotal: 5,
      cells: [...scan.cells, other('FINAL_ANSWER', 1, 2), other('NEXT_REPLY', 0, 1)],
    };
    const s = buildSnapshot({ counters, today, scan: withOthers, filter: {}, lifecycle });
    expect(s.totals).toMatchObject({ open: 30, dueWithinHour: 3, overdue: 2 });
    expect(s.lifecycle).toEqual({
      finalAnswer: { open: 7, dueWithinHour: 2, overdue: 3 },
      nextReply: { open: 3, dueWithinHour: 1, overdue: 0 },
      paused: 5,
    });
    // The table is the first reply's: a cell with only final answers due adds nothing to it.
    expect(s.cells.reduce((sum, c) => sum + c.overdue, 0)).toBe(2);
    const f = buildSnapshot({
      counters,
      today,
      scan: withOthers,
      filter: { priority: 'critical' },
      lifecycle,
    });
    expect(f.lifecycle).toEqual({
      finalAnswer: { open: 1, dueWithinHour: 0, overdue: 0 },
      nextReply: { open: 0, dueWithinHour: 0, overdue: 0 },
      paused: 1,
    });
    // A store without the policy: no lifecycle rows, all zero.
    expect(buildSnapshot({ counters, today, scan, filter: {} }).lifecycle.paused).toBe(0);
  });
  it('ignores the clock when telling whether anything changed', () => {
    const a = buildSnapshot({ counters, today, scan, filter: {} });
    const b = buildSnapshot({ counters, today, scan: { ...scan, now: scan.now + 5_000 }, filter: {} });
    expect(contentKey(a)).toBe(contentKey(b));
  });
  it('severity: critical overdue or 30 % is critical, 10 % high, any warn', () => {
    expect(severityOf(10, 0, 0)).toBe('ok');
    expect(severityOf(100, 1, 0)).toBe('warn');
    expect(severityOf(100, 10, 0)).toBe('high');
    expect(severityOf(10, 3, 0)).toBe('critical');
    expect(severityOf(100, 1, 1)).toBe('critical');
  });
});

describe('filters, token, config', () => {
  it('accepts known categories, priorities and federal subject codes; rejects the rest', () => {
    expect(parseFilter(new URLSearchParams('region=54&category=ecology&priority=high'))).toEqual({
      region: '54',
      category: 'ecology',
      priority: 'high',
    });
    expect(parseFilter(new URLSearchParams('region=&category='))).toEqual({});
    expect(parseFilter(new URLSearchParams('region=102'))).toEqual({ region: '102' });
    expect(() => parseFilter(new URLSearchParams('category=weather'))).toThrow(FilterError);
    expect(() => parseFilter(new URLSearchParams('region=<script>'))).toThrow(FilterError);
    // Sixteen characters of the old pattern, and codes that are not subjects, are refused.
    expect(() => parseFilter(new URLSearchParams('region=abcdefghijklmnop'))).toThrow(
      /not a federal subject/,
    );
    expect(() => parseFilter(new URLSearchParams('region=00'))).toThrow(FilterError);
    expect(() => parseFilter(new URLSearchParams('region=100'))).toThrow(FilterError);
  });
  it('needs the session cookie or the bearer token only when one is configured; never ?token=', () => {
    const req = (headers: Record<string, string> = {}) => ({ headers }) as IncomingMessage;
    const token = 'a-long-enough-secret';
    expect(authorised(req(), undefined)).toBe(true);
    expect(authorised(req(), token)).toBe(false);
    expect(authorised(req({ authorization: `Bearer ${token}` }), token)).toBe(true);
    expect(authorised(req({ authorization: 'Bearer wrong' }), token)).toBe(false);
    expect(authorised(req({ cookie: `otklik_ops_session=${sessionValue(token)}` }), token)).toBe(true);
    expect(authorised(req({ cookie: `otklik_ops_session=${token}` }), token)).toBe(false);
    expect(authorised(req({ cookie: `other=${sessionValue(token)}` }), token)).toBe(false);
  });
  it('compares secrets by their SHA-256 digests: any lengths, no exception, equal only when equal', () => {
    expect(sameSecret('a-long-enough-secret', 'a-long-enough-secret')).toBe(true);
    expect(sameSecret('a-long-enough-secreT', 'a-long-enough-secret')).toBe(false);
    expect(sameSecret('', 'a-long-enough-secret')).toBe(false);
    expect(sameSecret('a-long-enough-secret-and-more', 'a-long-enough-secret')).toBe(false);
  });
  it('binds to loopback by default and lists every bad variable', () => {
    expect(loadOpsConfig({}).ops).toMatchObject({ OPS_HTTP_HOST: '127.0.0.1', OPS_HTTP_PORT: 8080 });
    expect(loadOpsConfig({ OPS_TOKEN: '' }).ops.OPS_TOKEN).toBeUndefined();
    expect(() => loadOpsConfig({ OPS_HTTP_PORT: 'x', OPS_TOKEN: 'short', REDIS_URL: 'http://x' })).toThrow(
      /OPS_HTTP_PORT[\s\S]*REDIS_URL|REDIS_URL[\s\S]*OPS_HTTP_PORT/,
    );
  });
});

/**
 * Top problems (with their change against the previous period and its binomial test) and repeat
 * complaints, on small datasets whose answers are computed by hand in the comments.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnalyticsDb } from '../../../../services/adapters/duckdb/analytics-db.js';
import { themeOf } from '../../../../services/core/analytics/rows.js';
import { classifiedComment } from '../../core/contracts/fixtures.js';
import { complaint, DAY, HOUR, MIN, officialReply, rowsJson, storeOf } from './analytics-dataset.js';

const NOV = Date.UTC(2026, 10, 1);
const DEC = Date.UTC(2026, 11, 1);
const OCT = NOV - 30 * DAY; // the previous period has the same 30 days

let db: AnalyticsDb | undefined;
afterEach(() => db?.close());

describe('themeOf', () => {
  it('is the phrase of the strongest category evidence that voted for the chosen category', () => {
    const c = classifiedComment().classification;
    const evidence = [
      { concern: 'type', feature: 'complaint:нет', weight: 3 },
      { concern: 'category', feature: 'roads_transport:ям', weight: 2.5 },
      { concern: 'category', feature: 'housing_utilities:горяч вод', weight: 2 },
    ];
    expect(themeOf({ ...c, category: 'housing_utilities', evidence })).toBe('горяч вод');
    expect(themeOf({ ...c, category: 'roads_transport', evidence })).toBe('ям');
    expect(themeOf({ ...c, category: 'ecology', evidence })).toBeNull();
  });
});

describe('top_problems', () => {
  it('counts complaints by place and theme against the previous period, with an exact binomial test', async () => {
    const comments = [
      // отоплен: 10 in November, 2 in October -> up; p = 2·(1 + 12 + 66) / 2^12 = 0.03857...
      ...Array.from({ length: 10 }, (_, i) => complaint({ id: `h${i}`, at: NOV + i * DAY })),
      ...Array.from({ length: 2 }, (_, i) => complaint({ id: `ho${i}`, at: OCT + i * DAY })),
      // ям: 3 and 3 -> flat, p = 1
      ...Array.from({ length: 3 }, (_, i) =>
        complaint({ id: `r${i}`, at: NOV + i * HOUR, category: 'roads_transport', theme: 'ям' }),
      ),
      ...Array.from({ length: 3 }, (_, i) =>
        complaint({ id: `ro${i}`, at: OCT + i * HOUR, category: 'roads_transport', theme: 'ям' }),
      ),
      // мусор: none in November, 6 in October -> down; p = 2 / 2^6 = 0.03125
      ...Array.from({ length: 6 }, (_, i) =>
        complaint({ id: `g${i}`, at: OCT + DAY + i * HOUR, category: 'urban_improvement', theme: 'мусор' }),
      ),
      // Not complaints about a problem: a question, spam, a comment without a theme, one before October.
      complaint({ id: 'q', at: NOV, type: 'question' }),
      complaint({ id: 's', at: NOV, spam: true }),
      complaint({ id: 'n', at: NOV, theme: null }),
      complaint({ id: 'old', at: OCT - 1 }),
      // The same theme in another municipality is another place.
      complaint({ id: 'b', at: NOV + 5 * DAY, municipality: 'Бердск' }),
    ];
    db = await storeOf(comments);
    const rows = await rowsJson(
      db,
      `SELECT municipality, theme, complaints, previous, change, round(p_value, 5) AS p, trend,
         [e.key FOR e IN examples] AS examples
       FROM top_problems(${NOV}, ${DEC}) ORDER BY municipality, theme`,
    );
    expect(rows).toEqual([
      {
        municipality: 'Бердск',
        theme: 'отоплен',
        complaints: '1',
        previous: '0',
        change: '1',
        p: 1,
        trend: 'flat',
        examples: ['VK:b'],
      },
      {
        municipality: 'Новосибирск',
        theme: 'мусор',
        complaints: '0',
        previous: '6',
        change: '-6',
        p: 0.03125,
        trend: 'down',
        examples: [],
      },
      {
        municipality: 'Новосибирск',
        theme: 'отоплен',
        complaints: '10',
        previous: '2',
        change: '8',
        p: 0.03857,
        trend: 'up',
        examples: ['VK:h9', 'VK:h8', 'VK:h7'],
      },
      {
        municipality: 'Новосибирск',
        theme: 'ям',
        complaints: '3',
        previous: '3',
        change: '0',
        p: 1,
        trend: 'flat',
        examples: ['VK:r2', 'VK:r1', 'VK:r0'],
      },
    ]);
  });
});

describe('repeat complaints', () => {
  it('marks a complaint posted after an earlier one on the same problem and place had its first reply', async () => {
    const T = NOV + 9 * HOUR;
    db = await storeOf([
      complaint({ id: 'c1', at: T }),
      officialReply('a1', 'c1', T + HOUR),
      // Before c1's reply: not a repeat.
      complaint({ id: 'c2', at: T + 30 * MIN }),
      // After it: a repeat; so is c5.
      complaint({ id: 'c3', at: T + 2 * HOUR }),
      // Another place, another problem: not repeats of c1.
      complaint({ id: 'c4', at: T + 3 * HOUR, municipality: 'Бердск' }),
      complaint({ id: 'c6', at: T + 3 * HOUR, category: 'roads_transport', theme: 'ям' }),
      complaint({ id: 'c5', at: T + 5 * HOUR }),
    ]);
    expect(
      await rowsJson(db, 'SELECT comment_key, is_repeat FROM repeat_complaints ORDER BY comment_key'),
    ).toEqual([
      { comment_key: 'VK:c1', is_repeat: false },
      { comment_key: 'VK:c2', is_repeat: false },
      { comment_key: 'VK:c3', is_repeat: true },
      { comment_key: 'VK:c4', is_repeat: false },
      { comment_key: 'VK:c5', is_repeat: true },
      { comment_key: 'VK:c6', is_repeat: false },
    ]);
    expect(
      await rowsJson(
        db,
        `SELECT municipality, theme, complaints, repeats, repeat_share
         FROM measure_repeats(${NOV}, ${DEC}) ORDER BY municipality, theme`,
      ),
    ).toEqual([
      { municipality: 'Бердск', theme: 'отоплен', complaints: '1', repeats: '0', repeat_share: 0 },
      { municipality: 'Новосибирск', theme: 'отоплен', complaints: '4', repeats: '2', repeat_share: 0.5 },
      { municipality: 'Новосибирск', theme: 'ям', complaints: '1', repeats: '0', repeat_share: 0 },
    ]);
    // A period starting after c1's reply: c3 and c5 are repeats of complaints before it. The macro gets
    // that from an aggregate of the earlier complaints: the same counts as the view over all history,
    // wherever the period starts.
    for (const from of [NOV, T + 45 * MIN, T + 90 * MIN, T + 150 * MIN, T + 4 * HOUR, T + 6 * HOUR]) {
      expect(
        await rowsJson(
          db,
          `SELECT region, municipality, category, theme, complaints, repeats
           FROM measure_repeats(${from}, ${DEC}) ORDER BY ALL`,
        ),
        `from ${from}`,
      ).toEqual(
        await rowsJson(
          db,
          `SELECT region, municipality, category, theme, count(*) AS complaints,
             count(*) FILTER (WHERE is_repeat) AS repeats
           FROM repeat_complaints WHERE posted_at_ms >= ${from} AND posted_at_ms < ${DEC}
           GROUP BY ALL ORDER BY ALL`,
        ),
      );
    }
    expect(
      await rowsJson(
        db,
        `SELECT complaints, repeats FROM measure_repeats(${T + 90 * MIN}, ${DEC})
         WHERE municipality = 'Новосибирск' AND theme = 'отоплен'`,
      ),
    ).toEqual([{ complaints: '2', repeats: '2' }]);
  });
});

describe('Parquet export', () => {
  it('writes events partitioned by day and region that read back whole', async () => {
    const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'otklik-parquet-'));
    try {
      db = await storeOf([
        complaint({ id: 'p1', at: NOV + HOUR }),
        complaint({ id: 'p2', at: NOV + DAY, region: '77' }),
        officialReply('p3', 'p1', NOV + 2 * HOUR),
      ]);
      expect(await db.exportParquet(dir)).toEqual({ events: 3, alerts: 0, decisions: 0 });
      expect(readdirSync(join(dir, 'events')).sort()).toEqual(['day=2026-11-01', 'day=2026-11-02']);
      expect(readdirSync(join(dir, 'events', 'day=2026-11-01'))).toEqual(['region=54']);
      expect(
        await rowsJson(
          db,
          `SELECT day, region, count(*) AS n FROM read_parquet('${join(dir, 'events')}/**/*.parquet',
             hive_partitioning = true) GROUP BY ALL ORDER BY day, region`,
        ),
      ).toEqual([
        { day: '2026-11-01', region: '54', n: '2' },
        { day: '2026-11-02', region: '77', n: '1' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

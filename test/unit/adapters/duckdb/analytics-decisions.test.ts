/**
 * Decisions: their id and theme stems, their way through the sink's decoding into the store, and their
 * effect (complaints before and after, the daily rate's change with its 95 % interval) on a dataset
 * computed by hand.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnalyticsDb } from '../../../../services/adapters/duckdb/analytics-db.js';
import {
  decisionOf,
  encodeDecision,
  themeStemsOf,
  type DecisionInput,
} from '../../../../services/core/analytics/decision.js';
import { rowsOf } from '../../../../services/core/analytics/rows.js';
import { complaint, DAY, HOUR, rowsJson, storeOf } from './analytics-dataset.js';

const NOV15 = Date.UTC(2026, 10, 15);
const DEC10 = Date.UTC(2026, 11, 10);
const DEC20 = Date.UTC(2026, 11, 20);
const TOPICS = { classified: 'classified', alerts: 'alerts', decisions: 'decisions' };

function input(over: Partial<DecisionInput> = {}): DecisionInput {
  return {
    title: 'Замена теплотрассы',
    decidedAtMs: NOV15,
    region: '54',
    municipality: 'Новосибирск',
    category: 'housing_utilities',
    theme: 'Отопление',
    incidentId: null,
    ...over,
  };
}

let db: AnalyticsDb | undefined;
afterEach(() => db?.close());

describe('decisions', () => {
  it('stem their theme words and take an id from what they say, not from when they were recorded', () => {
    expect(themeStemsOf('Отопление, горячей воды; ВОДЫ ёлка')).toEqual(['отоплен', 'горяч', 'вод', 'елк']);
    expect(decisionOf(input(), 1).decision_id).toBe(decisionOf(input(), 2).decision_id);
    expect(decisionOf(input(), 1).decision_id).not.toBe(decisionOf(input({ region: '55' }), 1).decision_id);
    expect(() => decisionOf(input({ region: 'Новосибирская' }), 1)).toThrow();
  });

  it('arrive through the sink: a decision stored once through a replay, an unreadable one rejected', async () => {
    db = await storeOf([]);
    const chunk = rowsOf(
      [
        { value: encodeDecision(decisionOf(input(), 1)), offset: '0' },
        { value: Buffer.from('{"title": 1}'), offset: '1' },
      ],
      { topic: 'decisions', partition: 0 },
      TOPICS,
    );
    await db.write([chunk]);
    await db.write([chunk]);
    expect(await rowsJson(db, 'SELECT title, theme_stems FROM decisions')).toEqual([
      { title: 'Замена теплотрассы', theme_stems: ['отоплен'] },
    ]);
    expect(await rowsJson(db, 'SELECT topic, "offset" FROM rejected')).toEqual([
      { topic: 'decisions', offset: '1' },
    ]);
  });

  it('show the complaint rate on the problem in the place before and after, with a 95 % interval', async () => {
    const comments = [
      // Heating in Novosibirsk: 20 complaints in the 30 days before 15 Nov, 4 in the 30 days after.
      ...Array.from({ length: 20 }, (_, i) => complaint({ id: `hb${i}`, at: NOV15 - (i + 1) * DAY + HOUR })),
      ...Array.from({ length: 4 }, (_, i) => complaint({ id: `ha${i}`, at: NOV15 + i * DAY + HOUR })),
      // Not counted: older than the window, another municipality, another theme, a question.
      complaint({ id: 'x1', at: NOV15 - 31 * DAY }),
      complaint({ id: 'x2', at: NOV15 + DAY, municipality: 'Бердск' }),
      complaint({ id: 'x3', at: NOV15 + DAY, theme: 'горяч вод' }),
      complaint({ id: 'x4', at: NOV15 + DAY, type: 'question' }),
      // Potholes: 3 before, 4 after.
      ...Array.from({ length: 3 }, (_, i) =>
        complaint({ id: `rb${i}`, at: NOV15 - (i + 1) * DAY, category: 'roads_transport', theme: 'ям' }),
      ),
      ...Array.from({ length: 4 }, (_, i) =>
        complaint({ id: `ra${i}`, at: NOV15 + i * DAY, category: 'roads_transport', theme: 'ям' }),
      ),
      // Hot water on 10 Dec: the data end on 20 Dec, so both windows are 10 days: 2 before, 1 after.
      complaint({ id: 'w1', at: DEC10 - 3 * DAY, theme: 'горяч вод' }),
      complaint({ id: 'w2', at: DEC10 - 12 * DAY, theme: 'горяч вод' }),
      complaint({ id: 'w3', at: DEC10 - 9 * DAY, theme: 'горяч вод' }),
      complaint({ id: 'w4', at: DEC10 + 2 * DAY, theme: 'горяч вод' }),
      // The newest comment of the data.
      complaint({ id: 'end', at: DEC20 + HOUR, region: '77', municipality: null }),
    ];
    db = await storeOf(comments);
    await db.writeDecisions([
      decisionOf(input(), 1),
      decisionOf(input({ title: 'Ремонт дорог', category: 'roads_transport', theme: 'ямы' }), 1),
      decisionOf(input({ title: 'Промывка', decidedAtMs: DEC10, theme: 'горячая вода' }), 1),
      decisionOf(input({ title: 'Слишком рано', decidedAtMs: DEC20 + HOUR }), 1),
    ]);
    const rows = await rowsJson(
      db,
      `SELECT title, window_days, before, after, round(rate_before, 4) AS rb, round(rate_after, 4) AS ra,
         round(change_low, 4) AS low, round(change_high, 4) AS high, effect
       FROM measure_decision_effect ORDER BY decided_at_ms, title`,
    );
    expect(rows).toEqual([
      // (4 - 20) / 30 = -0.5333 ± 1.96·√24 / 30 = ± 0.3201: [-0.8534, -0.2133], below zero.
      {
        title: 'Замена теплотрассы',
        window_days: 30,
        before: '20',
        after: '4',
        rb: 0.6667,
        ra: 0.1333,
        low: -0.8534,
        high: -0.2133,
        effect: 'fell',
      },
      // (4 - 3) / 30 ± 1.96·√7 / 30: [-0.1395, 0.2062], holds zero.
      {
        title: 'Ремонт дорог',
        window_days: 30,
        before: '3',
        after: '4',
        rb: 0.1,
        ra: 0.1333,
        low: -0.1395,
        high: 0.2062,
        effect: 'unchanged',
      },
      // 10-day windows: w1, w3 before (w2 is 12 days before), w4 after: (1 - 2) / 10 ± 1.96·√3 / 10.
      {
        title: 'Промывка',
        window_days: 10,
        before: '2',
        after: '1',
        rb: 0.2,
        ra: 0.1,
        low: -0.4395,
        high: 0.2395,
        effect: 'unchanged',
      },
      {
        title: 'Слишком рано',
        window_days: 0,
        before: '0',
        after: '0',
        rb: null,
        ra: null,
        low: null,
        high: null,
        effect: 'too_early',
      },
    ]);
  });
});

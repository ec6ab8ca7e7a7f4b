/**
 * The analytics report in a real browser (Debian's chromium driven by playwright-core), the way a person
 * reads it: written from a small hand-made store, opened at desktop size and at A4 print size (screenshots
 * in test-artifacts/), every number on the page read back and compared with the SQL behind it, a few of
 * them with values computed by hand, and the PDF and the workbook checked.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsDb } from '../../../../services/adapters/duckdb/analytics-db.js';
import { decisionOf } from '../../../../services/core/analytics/decision.js';
import { parseShown } from '../../../../services/apps/report/format.js';
import { launchChromium } from '../../../../services/apps/report/pdf.js';
import { runReportQuery, type ReportQueryName } from '../../../../services/apps/report/queries.js';
import { writeReport, type WrittenReport } from '../../../../services/apps/report/write.js';
import {
  complaint,
  DAY,
  HOUR,
  MIN,
  officialReply,
  storeOf,
} from '../../../unit/adapters/duckdb/analytics-dataset.js';

const CHROMIUM = process.env.OTKLIK_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = 'test-artifacts';
const NOV = Date.UTC(2026, 10, 1);
const PERIOD = { fromMs: NOV, toMs: Date.UTC(2026, 11, 1) };
const dir = mkdtempSync(join(tmpdir(), 'otklik-report-'));
let db: AnalyticsDb;
let browser: Browser;
let written: WrittenReport;

/**
 * Region 54: 10 complaints on heating in November (2 in October), answered after 60, 120, ..., 480 min
 * (the first eight; two unanswered), 3 on potholes; region 77: 4 questions, none answered.
 */
function dataset() {
  const comments = [];
  for (let i = 0; i < 10; i++) {
    comments.push(
      complaint({ id: `h${i}`, at: NOV + i * DAY + 9 * HOUR, page: i % 2 ? 'page-b' : 'page-a' }),
    );
    if (i < 8) comments.push(officialReply(`a${i}`, `h${i}`, NOV + i * DAY + 9 * HOUR + (i + 1) * 60 * MIN));
  }
  for (let i = 0; i < 2; i++) comments.push(complaint({ id: `ho${i}`, at: NOV - 20 * DAY + i * DAY }));
  for (let i = 0; i < 3; i++)
    comments.push(
      complaint({ id: `r${i}`, at: NOV + 3 * DAY + i * HOUR, category: 'roads_transport', theme: 'ям' }),
    );
  for (let i = 0; i < 4; i++)
    comments.push(
      complaint({ id: `q${i}`, at: NOV + i * DAY, type: 'question', region: '77', municipality: null }),
    );
  return comments;
}

beforeAll(async () => {
  db = await storeOf(dataset(), join(dir, 'analytics.duckdb'));
  await db.writeDecisions([
    decisionOf(
      {
        title: 'Промывка теплосетей',
        decidedAtMs: NOV + 5 * DAY,
        region: '54',
        municipality: 'Новосибирск',
        category: 'housing_utilities',
        theme: 'отопление',
        incidentId: null,
      },
      NOV,
    ),
  ]);
  written = await writeReport(db.connection, {
    period: PERIOD,
    outDir: join(dir, 'out'),
    chromium: CHROMIUM,
  });
  browser = await launchChromium(CHROMIUM);
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(viewport: { width: number; height: number }, media: 'screen' | 'print'): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.emulateMedia({ media });
  await page.goto(`file://${written.html}`);
  return page;
}

interface ShownNumber {
  q: string;
  region: string;
  row: string;
  col: string;
  scale: number;
  digits: number;
  text: string;
}

describe('the analytics report', () => {
  it('shows every number as the SQL behind it computes it, in Chromium at desktop and A4 sizes', async () => {
    const page = await open({ width: 1280, height: 900 }, 'screen');
    await page.screenshot({ path: join(ARTIFACTS, 'report-desktop.png'), fullPage: true });
    // Page code as text: the project's TypeScript has no DOM library.
    const shown = (await page.evaluate(`[...document.querySelectorAll('.num')].map((e) => ({
      q: e.dataset.q, region: e.dataset.region ?? '', row: e.dataset.row, col: e.dataset.col,
      scale: Number(e.dataset.scale), digits: Number(e.dataset.digits), text: e.textContent,
    }))`)) as ShownNumber[];
    expect(shown.length).toBeGreaterThanOrEqual(90);
    expect(shown.filter((n) => n.q === 'decisions')).toHaveLength(8);
    const cache = new Map<string, Record<string, unknown>[]>();
    for (const n of shown) {
      const id = `${n.q}/${n.region}`;
      if (!cache.has(id))
        cache.set(id, await runReportQuery(db.connection, n.q as ReportQueryName, PERIOD, n.region));
      const key = JSON.parse(n.row) as Record<string, unknown>;
      const rows = (cache.get(id) ?? []).filter((r) => Object.entries(key).every(([k, v]) => r[k] === v));
      expect(rows, `${id} ${n.row}`).toHaveLength(1);
      const sql = rows[0]?.[n.col];
      const value = parseShown(n.text);
      if (sql === null) expect(value, `${id} ${n.col}`).toBeNull();
      else expect(value, `${id} ${n.row} ${n.col}: "${n.text}"`).toBeCloseTo(Number(sql) * n.scale, n.digits);
    }

    // No number on the page comes from anywhere else: any other text with a digit is a label.
    const unmarked = (await page.evaluate(`(() => {
      const out = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!/\\d/.test(node.textContent) || !parent) continue;
        if (parent.closest('svg, .num, [data-label], style, title')) continue;
        out.push(node.textContent);
      }
      return out;
    })()`)) as string[];
    expect(unmarked).toEqual([]);

    // Values computed by hand (region 54): 13 complaints; 8 of 13 answered, after 60..480 min: the
    // median of the 8 is 270, p90 of the answered... within 4 h: 60, 120, 180, 240 -> 4 of 13.
    const text = async (selector: string) => (await page.textContent(selector))?.trim();
    const r54 = '[data-region="54"][data-q';
    expect(await text(`${r54}="volume"][data-col="complaints"]`)).toBe('13');
    expect(await text(`${r54}="reply"][data-col="answered"]`)).toBe('8');
    expect(await text(`${r54}="reply"][data-col="median_minutes"]`)).toBe('270\u00a0мин');
    expect(await text(`${r54}="reply"][data-col="within_4h_share"]`)).toBe('30,8\u00a0%');
    // Heating: 10 in November against 2 in October, p = 158 / 4096 = 0.0386: a rise.
    const heating = page.locator('tr', { hasText: '«отоплен»' });
    await expect.poll(() => heating.first().textContent()).toContain('▲ рост');
    expect(await heating.first().locator('[data-col="p_value"]').textContent()).toBe('0,039');
    await page.close();

    const a4 = await open({ width: 794, height: 1123 }, 'print');
    await a4.screenshot({ path: join(ARTIFACTS, 'report-a4.png') });
    // At A4 width nothing runs off the page sideways.
    expect(await a4.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(794);
    await a4.close();
  });

  it('writes the PDF and a workbook with the rows behind the charts', async () => {
    const pdf = readFileSync(written.pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // One region a page at least: 54 and 77.
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(2);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(written.xlsx);
    const problems = workbook.getWorksheet('Проблемы');
    const sql = await runReportQuery(db.connection, 'top_problems', PERIOD, '54');
    // A header row, then one row per problem of each region (77 has none: questions only).
    expect(problems?.rowCount).toBe(1 + sql.length);
    const header = (problems?.getRow(1).values as unknown[]).slice(1);
    const first = (problems?.getRow(2).values as unknown[]).slice(1);
    expect(first[header.indexOf('theme')]).toBe(sql[0]?.theme);
    expect(first[header.indexOf('complaints')]).toBe(sql[0]?.complaints);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'Показатели',
      'По дням',
      'Время ответа',
      'Страницы',
      'Проблемы',
      'Повторные',
      'Очередь',
      'Решения',
    ]);
  });
});

/**
 * The ops board in a real browser (Debian's chromium driven by playwright-core) on the real broker and
 * Redis: log in (a wrong token is refused; the right one sets a cookie and leaves the address without
 * it), load the board, replay the sample comments through a worker and a sweeper, see the totals and
 * the alert feed fill, produce a fresh comment and an overdue one and see the counts move, filter by
 * region, see an interim reply start the final answer and a pause counted, and keep a screenshot (test-artifacts/board.png; docs/board.png with OTKLIK_UPDATE_SCREENSHOT=1).
 */
import { execSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../services/apps/cli/main.js';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import { loadOpsConfig } from '../../../../services/apps/ops/config.js';
import { startOps, type RunningOps } from '../../../../services/apps/ops/main.js';
import type { BoardSnapshot } from '../../../../services/apps/ops/snapshot.js';
import { startApp, type RunningApp } from '../../../../services/runtime/app.js';
import { isolatedStack } from '../../../support/fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'board-browser-test-token-0123456789';
const ARTIFACTS = 'test-artifacts';
const stack = isolatedStack('board');
let app: RunningApp | undefined;
let ops: RunningOps | undefined;
let browser: Browser | undefined;
let page: Page;

async function otklik(...argv: string[]): Promise<void> {
  const err: string[] = [];
  const code = await runCli(argv, { out: () => {}, err: (t) => err.push(t), env: stack.env });
  expect(err).toEqual([]);
  expect(code).toBe(0);
}

async function snapshot(query = ''): Promise<BoardSnapshot> {
  const response = await fetch(`${ops?.url}/api/snapshot${query}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return (await response.json()) as BoardSnapshot;
}

/**
 * Waits until the server's figures satisfy `ready`, then until the page shows the same totals.
 */
async function expectPageToShowServer(
  query = '',
  ready: (s: BoardSnapshot) => boolean = () => true,
): Promise<BoardSnapshot> {
  let server = await snapshot(query);
  await expect
    .poll(
      async () => {
        server = await snapshot(query);
        if (!ready(server)) return 'server not there yet';
        const shown = await Promise.all(
          ['#t-open', '#t-soon', '#t-overdue'].map(async (id) =>
            Number(((await page.textContent(id)) ?? '').replace(/\D/g, '')),
          ),
        );
        return (
          shown.join(',') ===
          [server.totals.open, server.totals.dueWithinHour, server.totals.overdue].join(',')
        );
      },
      // A comment produced mid-test is counted after the worker's group and, for an overdue one, the
      // sweeper's next claim: 30 s ran out once in a full run on the busy 2-core machine.
      { timeout: 60_000, interval: 300 },
    )
    .toBe(true);
  return server;
}

beforeAll(async () => {
  execSync(`command -v chromium || (apt-get update && apt-get install -y --no-install-recommends chromium)`, {
    stdio: 'ignore',
    shell: '/bin/bash',
  });
  // Default policy (critical 1 h, high 2 h, normal 4 h, low 24 h): the samples' ages make some overdue.
  app = await startApp(loadConfig(stack.env), stack.logger, { roles: ['worker', 'sweeper'] });
  ops = await startOps(
    loadOpsConfig({
      ...stack.env,
      OPS_HTTP_PORT: '0',
      OPS_PUSH_INTERVAL_MS: '500',
      OPS_SCAN_INTERVAL_MS: '500',
      OPS_TOKEN: TOKEN,
    }),
    stack.logger,
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'ru-RU' });
});

afterAll(async () => {
  await browser?.close();
  await ops?.close();
  await app?.close();
});

describe('ops board in headless Chromium', () => {
  it('asks for the token; a wrong one is refused, the right one sets a cookie and leaves the address', async () => {
    await page.goto(ops!.url);
    await page.waitForSelector('#login:not([hidden])');
    expect(await page.textContent('#status')).toBe('Нужен токен доступа');
    await page.fill('#login-token', 'not-the-token-not-the-token');
    await page.click('#login button[type="submit"]');
    await page.waitForURL(`${ops!.url}/?login=failed`);
    await page.waitForSelector('#login-failed:not([hidden])');
    expect(await page.textContent('#status')).toBe('Неверный токен доступа');

    // A link with the token (and a filter): 303 to the page without the token, which history keeps.
    const login = await page.goto(`${ops!.url}/?token=${TOKEN}&priority=critical`);
    expect(login?.request().redirectedFrom()?.url()).toContain('token=');
    expect(page.url()).toBe(`${ops!.url}/?priority=critical`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.evaluate('location.href')).not.toContain('token');
    expect(await page.evaluate('document.cookie')).toBe(''); // HttpOnly
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'otklik_ops_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie?.value).not.toContain(TOKEN);
  });

  it('shows live totals, the table, the oldest overdue and alerts; filters by region', async () => {
    await page.goto(ops!.url);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent('#status')).toBe('В реальном времени');
    expect(await page.textContent('#t-open')).toBe('0');
    expect(await page.textContent('h1')).toContain('Отклик');

    await otklik('produce', 'samples/comments.jsonl', '--rate', '0');
    // The worker may not have registered the samples yet when the board is first asked: wait for them.
    const filled = await expectPageToShowServer('', (s) => s.totals.open > 20 && s.totals.overdue > 5);
    expect(filled.totals.open).toBeGreaterThan(20);
    expect(filled.totals.overdue).toBeGreaterThan(5);
    await page.waitForSelector('#alerts li[data-kind="BREACH"]');
    expect(await page.locator('#overdue tbody tr').count()).toBeGreaterThan(5);
    expect(await page.locator('#matrix tbody tr[data-region="54"]').textContent()).toContain(
      'Новосибирская область',
    );
    const oldest = page.locator('#overdue tbody tr').first();
    expect(await oldest.locator('td.late').textContent()).toMatch(/(ч|сут)/);
    expect(await oldest.locator('a').getAttribute('href')).toMatch(/^https:\/\/example\.org\//);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'board.png'), fullPage: true });
    if (process.env.OTKLIK_UPDATE_SCREENSHOT === '1')
      copyFileSync(join(ARTIFACTS, 'board.png'), 'docs/board.png');

    // One fresh comment and one already overdue: both counts move, and the overdue one is alerted.
    const dir = mkdtempSync(join(tmpdir(), 'otklik-board-'));
    const file = join(dir, 'more.jsonl');
    writeFileSync(
      file,
      [
        {
          comment_id: 'live-fresh',
          platform: 'VK',
          region: '29',
          page_id: 'pg-arh',
          text: 'Подскажите, когда откроют поликлинику после ремонта?',
          posted_at: '-1m',
        },
        {
          comment_id: 'live-late',
          platform: 'VK',
          region: '29',
          page_id: 'pg-arh',
          text: 'Во дворе на Ленина, 5 прорвало трубу, вода заливает подвал и подъезд!',
          posted_at: '-30h',
          url: 'https://example.org/vk/pg-arh/late',
        },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    await otklik('produce', file, '--rate', '0');
    await expectPageToShowServer(
      '',
      (s) => s.totals.open >= filled.totals.open + 2 && s.totals.overdue >= filled.totals.overdue + 1,
    );
    await page.waitForSelector('#alerts li[data-kind="BREACH"] a[href="https://example.org/vk/pg-arh/late"]');

    // Filter by region: the page follows the server's filtered figures; rows and alerts are that region's.
    await page.selectOption('#f-region', '29');
    await page.waitForURL(/region=29/);
    const arkhangelsk = await expectPageToShowServer('?region=29');
    expect(arkhangelsk.totals.open).toBe(2);
    expect(arkhangelsk.totals.overdue).toBe(1);
    expect(await page.locator('#matrix tbody tr').count()).toBe(1);
    expect(await page.locator('#matrix tbody tr').first().getAttribute('data-region')).toBe('29');
    const feedRegions = await page.locator('#alerts li .meta span:nth-child(3)').allTextContents();
    expect(feedRegions.length).toBeGreaterThan(0);
    expect(new Set(feedRegions)).toEqual(new Set(['Архангельская область']));
    await page.screenshot({ path: join(ARTIFACTS, 'board-filtered.png'), fullPage: true });

    // The appeal's life (issue #16): an interim reply ends the first reply and starts the final answer,
    // a pause stops its clock; the page shows both from the lifecycle's gauges.
    const before = await snapshot('?region=29');
    await otklik('act', 'VK:live-fresh', 'interim-reply', '--operator', 'op-1');
    await otklik('act', 'VK:live-fresh', 'paused', '--reason', 'citizen', '--operator', 'op-1');
    let lifecycle = before.lifecycle;
    await expect
      .poll(
        async () => {
          lifecycle = (await snapshot('?region=29')).lifecycle;
          const shown = await Promise.all(
            ['#l-final-open', '#l-paused'].map(async (id) => (await page.textContent(id)) ?? ''),
          );
          return [lifecycle.finalAnswer.open, lifecycle.paused, ...shown].join(',');
        },
        { timeout: 20_000, interval: 300 },
      )
      .toBe('1,1,1,1');
    expect(before.lifecycle).toMatchObject({ finalAnswer: { open: 0 }, paused: 0 });
    expect((await snapshot('?region=29')).totals.open).toBe(1);

    // The board's own metrics: the open page is counted, its reads were timed, its alerts seen.
    const metrics = await (await fetch(`${ops!.url}/metrics`)).text();
    expect(Number(/^otklik_ops_board_clients (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(
      Number(/^otklik_ops_read_duration_seconds_count\{read="scan"\} (\d+)$/m.exec(metrics)?.[1]),
    ).toBeGreaterThan(0);
    expect(Number(/^otklik_ops_alerts_received_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  });
});

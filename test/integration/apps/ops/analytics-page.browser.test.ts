/**
 * The board's «Аналитика» page in Chromium: the analytics sink runs as a process on a file holding a
 * small hand-made dataset and serves its report live; the board (with OPS_ANALYTICS_URL) shows it behind
 * its token. The numbers on the page equal the SQL run on the same file before the sink took it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOpsConfig } from '../../../../services/apps/ops/config.js';
import { startOps, type RunningOps } from '../../../../services/apps/ops/main.js';
import { CHROMIUM_ARGS } from '../../../../services/apps/report/pdf.js';
import { runReportQuery } from '../../../../services/apps/report/queries.js';
import { launchRole, type RoleProcess } from '../../../../services/runtime/launch.js';
import { isolatedStack } from '../../../support/fixture.js';
import {
  complaint,
  HOUR,
  MIN,
  officialReply,
  storeOf,
} from '../../../unit/adapters/duckdb/analytics-dataset.js';

const TOKEN = 'analytics-page-test-token-0123456789';
const NOV = Date.UTC(2026, 10, 1);
const PERIOD = { fromMs: NOV, toMs: Date.UTC(2026, 11, 1) };
const stack = isolatedStack('analytics-page');
const dir = mkdtempSync(join(tmpdir(), 'otklik-analytics-page-'));
let sink: RoleProcess | undefined;
let ops: RunningOps | undefined;
let browser: Browser | undefined;
let expected: { volume: Record<string, unknown>; reply: Record<string, unknown> };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  const file = join(dir, 'analytics.duckdb');
  const db = await storeOf(
    [
      complaint({ id: 'c1', at: NOV + 9 * HOUR }),
      officialReply('a1', 'c1', NOV + 9 * HOUR + 30 * MIN),
      complaint({ id: 'c2', at: NOV + 10 * HOUR }),
      officialReply('a2', 'c2', NOV + 15 * HOUR),
      complaint({ id: 'c3', at: NOV + 11 * HOUR, type: 'question' }),
    ],
    file,
  );
  expected = {
    volume: (await runReportQuery(db.connection, 'volume', PERIOD, '54'))[0] ?? {},
    reply: (await runReportQuery(db.connection, 'reply', PERIOD, '54'))[0] ?? {},
  };
  db.close();
  const port = await freePort();
  sink = launchRole({
    name: 'analytics',
    script: 'services/apps/analytics/main.ts',
    env: {
      ...stack.env,
      OTKLIK_ANALYTICS_DB: file,
      OTKLIK_ANALYTICS_GROUP_ID: `${stack.env.OTKLIK_GROUP_ID}-analytics`,
      HTTP_PORT: String(port),
    },
  });
  const analyticsUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${analyticsUrl}/healthz`).catch(() => undefined))?.status !== 200) {
    if (Date.now() > deadline) throw new Error(`the sink did not answer: ${sink.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  ops = await startOps(
    loadOpsConfig({ ...stack.env, OPS_HTTP_PORT: '0', OPS_TOKEN: TOKEN, OPS_ANALYTICS_URL: analyticsUrl }),
    stack.logger,
  );
  browser = await chromium.launch({
    executablePath: process.env.OTKLIK_CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  mkdirSync('test-artifacts', { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await ops?.close();
  await sink?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the board's «Аналитика» page", () => {
  it('shows the live report behind the token, with the numbers of the SQL', async () => {
    const page = await (browser as Browser).newPage({
      viewport: { width: 1280, height: 900 },
      locale: 'ru-RU',
    });
    // Without the token: refused.
    const refused = await page.goto(`${ops?.url}/analytics`);
    expect(refused?.status()).toBe(401);

    await page.goto(`${ops?.url}/?token=${TOKEN}`);
    await page.click('#analytics-link');
    await page.waitForURL(`${ops?.url}/analytics`);
    await page.goto(`${ops?.url}/analytics?from=2026-11-01&to=2026-11-30&region=54`);
    await page.waitForSelector('section.region[data-region="54"]');
    await page.screenshot({ path: join('test-artifacts', 'analytics-page.png'), fullPage: true });
    const shown = async (q: string, col: string) =>
      (await page.textContent(`[data-q="${q}"][data-col="${col}"]`))?.replace(/\s/g, ' ');
    // 3 comments, 2 complaints; answered after 30 and 300 minutes: median 165.
    expect(await shown('volume', 'comments')).toBe(String(expected.volume.comments));
    expect(await shown('volume', 'complaints')).toBe(String(expected.volume.complaints));
    expect(await shown('reply', 'answered')).toBe(String(expected.reply.answered));
    expect(await shown('reply', 'median_minutes')).toBe(`${String(expected.reply.median_minutes)} мин`);
    expect(expected.reply.median_minutes).toBe(165);
    await page.close();
  });
});

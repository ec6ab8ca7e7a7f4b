/**
 * The report served live: `/analytics/report?from=YYYY-MM-DD&to=YYYY-MM-DD[&region=NN]` on the analytics
 * sink's HTTP port, read from the sink's own file through a second connection (the file has one
 * process); the ops board shows it under «Аналитика».
 */
import type { ServerResponse } from 'node:http';
import type { DuckDBConnection } from '@duckdb/node-api';
import { reportHtml } from './html.js';
import { reportData } from './queries.js';

const DAY_MS = 86_400_000;

function dayOf(text: string | null): number | undefined {
  if (text === null || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The period asked for: from..to inclusive; by default the last 30 days up to today (UTC). */
export function periodOf(params: URLSearchParams, nowMs = Date.now()) {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const to = dayOf(params.get('to')) ?? today;
  const from = dayOf(params.get('from')) ?? to - 29 * DAY_MS;
  const region = params.get('region');
  if (to < from) throw new Error('to is before from');
  if (region !== null && region !== '' && !/^\d{2}$/.test(region))
    throw new Error('region: a two-digit code');
  return { period: { fromMs: from, toMs: to + DAY_MS }, region: region || undefined };
}

export function serveLiveReport(
  connection: Promise<DuckDBConnection>,
): (path: string, url: URL, res: ServerResponse) => boolean {
  return (path, url, res) => {
    if (path !== '/analytics/report') return false;
    (async () => {
      let asked;
      try {
        asked = periodOf(url.searchParams);
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${(error as Error).message}\n`);
        return;
      }
      const html = reportHtml(await reportData(await connection, asked.period, asked.region));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    })().catch((error: Error) => {
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`report failed: ${error.message}\n`);
    });
    return true;
  };
}

import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { AlertFeed } from './alert-feed.js';
import type { BoardSource } from './board-source.js';
import { FilterError, parseFilter } from './filter.js';
import type { BoardHub } from './hub.js';
import { boardMeta } from './labels.js';
import type { OpsMetrics } from './metrics.js';

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');

/** The page's files, read once; nothing else on disk is ever served. */
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/board.css': { file: 'board.css', type: 'text/css; charset=utf-8' },
  '/board.js': { file: 'board.js', type: 'text/javascript; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // Everything comes from this server; the only way out is a link the operator clicks.
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export interface OpsServerOptions {
  host: string;
  port: number;
  token?: string;
  source: BoardSource;
  feed: AlertFeed;
  hub: BoardHub;
  logger: Logger;
  notReady: () => string[];
  metrics: OpsMetrics;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Bearer header, or ?token= for EventSource and links (browsers cannot set headers there). */
export function authorised(req: IncomingMessage, url: URL, token: string | undefined): boolean {
  if (!token) return true;
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  const given = bearer ?? url.searchParams.get('token') ?? '';
  return sameSecret(given, token);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function startOpsServer(options: OpsServerOptions): Promise<Server> {
  const log = options.logger.child({ component: 'ops-http' });
  const files = new Map(
    Object.entries(STATIC).map(([path, { file, type }]) => [
      path,
      { body: readFileSync(join(PUBLIC_DIR, file)), type },
    ]),
  );

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('read-only\n');
      return;
    }
    const page = files.get(url.pathname);
    if (page) {
      res.writeHead(200, { 'content-type': page.type, 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : page.body);
      return;
    }
    if (url.pathname === '/healthz') return json(res, 200, { status: 'ok' });
    // Like /healthz, outside the token: counts and timings only, nothing about a comment.
    if (url.pathname === '/metrics') {
      const body = await options.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': options.metrics.registry.contentType });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (url.pathname === '/readyz') {
      const waiting = options.notReady();
      return json(res, waiting.length ? 503 : 200, {
        status: waiting.length ? 'not ready' : 'ready',
        waiting,
      });
    }
    if (!url.pathname.startsWith('/api/')) return json(res, 404, { error: 'not found' });
    if (!authorised(req, url, options.token)) {
      res.setHeader('www-authenticate', 'Bearer realm="otklik-ops"');
      return json(res, 401, { error: 'unauthorised', code: 'OPS_UNAUTHORISED' });
    }
    let filter;
    try {
      filter = parseFilter(url.searchParams);
    } catch (e) {
      if (e instanceof FilterError) return json(res, 400, { error: e.message, code: e.code });
      throw e;
    }
    switch (url.pathname) {
      case '/api/meta':
        return json(res, 200, boardMeta());
      case '/api/snapshot':
        return json(res, 200, await options.source.snapshot(filter));
      case '/api/alerts':
        return json(res, 200, options.feed.recent(filter));
      case '/api/events':
        return options.hub.add(res, filter);
      default:
        return json(res, 404, { error: 'not found' });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      log.error({ err: error.message, path: req.url?.split('?')[0] }, 'request failed');
      if (!res.headersSent)
        json(res, 503, { error: 'the board cannot read its data right now', code: 'OPS_READ_FAILED' });
      else res.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      log.info(
        { address: server.address(), auth: options.token ? 'bearer token' : 'none' },
        'ops board listening',
      );
      resolve(server);
    });
  });
}

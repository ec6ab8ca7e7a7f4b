import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { AlertFeed } from './alert-feed.js';
import { authorised, sameSecret, sessionCookie } from './auth.js';
import type { BoardSource } from './board-source.js';
import { FilterError, parseFilter } from './filter.js';
import { defaultAllowedHosts, hostAllowlist } from './host-check.js';
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
  // Everything comes from this server; the only way out is a link the operator clicks. The login form
  // submits to the page itself.
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

export interface OpsServerOptions {
  host: string;
  port: number;
  token?: string;
  /** Host headers answered (host-check.ts); default: the bound host and the loopback names, with the port. */
  allowedHosts?: readonly string[];
  source: Pick<BoardSource, 'snapshot'>;
  feed: Pick<AlertFeed, 'recent'>;
  hub: Pick<BoardHub, 'add'>;
  logger: Logger;
  notReady: () => string[];
  metrics: OpsMetrics;
  /** The analytics sink's HTTP address: /analytics shows its live report (services/apps/report/live.ts). */
  analyticsUrl?: string;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * `/?token=…` (a link, or the page's login form): with the right token, a session cookie; either way a
 * 303 to the same address without the token, so it stays out of the history, the address bar and any
 * Referer. A wrong token comes back as `?login=failed` and the page asks again.
 */
function login(req: IncomingMessage, res: ServerResponse, url: URL, token: string | undefined): void {
  const given = url.searchParams.get('token') ?? '';
  const next = new URLSearchParams(url.searchParams);
  next.delete('token');
  next.delete('login');
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (token && sameSecret(given, token)) headers['set-cookie'] = sessionCookie(req, token);
  else if (token) next.set('login', 'failed');
  const query = next.toString();
  headers.location = query ? `/?${query}` : '/';
  res.writeHead(303, headers);
  res.end();
}

export async function startOpsServer(options: OpsServerOptions): Promise<Server> {
  const log = options.logger.child({ component: 'ops-http' });
  const { metrics } = options;
  const files = new Map(
    Object.entries(STATIC).map(([path, { file, type }]) => [
      path,
      { body: readFileSync(join(PUBLIC_DIR, file)), type },
    ]),
  );
  // Known once the server listens (OPS_HTTP_PORT=0 picks a free port).
  let hostAllowed: (host: string | undefined) => boolean = () => false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    // Before anything else: a page of another site reaching this port through DNS rebinding sends its
    // own name as Host. /healthz stays open to probes that address the pod or container by IP.
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/healthz' && !hostAllowed(req.headers.host)) {
      metrics.requestsRejected.inc({ reason: 'host' });
      const shown = JSON.stringify((req.headers.host ?? '').slice(0, 100));
      return text(
        res,
        421,
        `This board does not answer to the host name ${shown}. ` +
          'Open it by an address listed in OPS_ALLOWED_HOSTS (docs/ops.md).\n',
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('read-only\n');
      return;
    }
    if (url.pathname === '/' && url.searchParams.has('token')) return login(req, res, url, options.token);
    const page = files.get(url.pathname);
    if (page) {
      res.writeHead(200, { 'content-type': page.type, 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : page.body);
      return;
    }
    if (url.pathname === '/healthz') return json(res, 200, { status: 'ok' });
    // Like /healthz, outside the token: counts and timings only, nothing about a comment.
    if (url.pathname === '/metrics') {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
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
    if (url.pathname === '/analytics') return analyticsPage(req, res, url);
    if (!url.pathname.startsWith('/api/')) return json(res, 404, { error: 'not found' });
    if (!authorised(req, options.token)) {
      metrics.requestsRejected.inc({ reason: 'unauthorised' });
      res.setHeader('www-authenticate', 'Bearer realm="otklik-ops"');
      return json(res, 401, { error: 'unauthorised', code: 'OPS_UNAUTHORISED' });
    }
    let filter;
    try {
      filter = parseFilter(url.searchParams);
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
      metrics.requestsRejected.inc({ reason: 'bad_filter' });
      return json(res, 400, { error: e.message, code: e.code });
    }
    switch (url.pathname) {
      case '/api/meta':
        return json(res, 200, boardMeta());
      case '/api/snapshot':
        return json(res, 200, await options.source.snapshot(filter));
      case '/api/alerts':
        return json(res, 200, options.feed.recent(filter));
      case '/api/events':
        return options.hub.add(req, res, filter);
      default:
        return json(res, 404, { error: 'not found' });
    }
  };

  // «Аналитика»: the sink's live report, behind the board's token; the query (period, region) passes on.
  const analyticsPage = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (!authorised(req, options.token)) {
      metrics.requestsRejected.inc({ reason: 'unauthorised' });
      return text(res, 401, 'Откройте доску по ссылке с токеном (docs/ops.md), затем «Аналитика».\n');
    }
    if (!options.analyticsUrl)
      return text(
        res,
        404,
        'Аналитика не подключена: задайте OPS_ANALYTICS_URL (адрес аналитического сервиса).\n',
      );
    const query = new URLSearchParams();
    for (const name of ['from', 'to', 'region']) {
      const value = url.searchParams.get(name);
      if (value) query.set(name, value);
    }
    const upstream = await fetch(`${options.analyticsUrl.replace(/\/$/, '')}/analytics/report?${query}`, {
      signal: AbortSignal.timeout(30_000),
    });
    // The report has its styles inline (and in its SVG charts) and no script at all.
    res.setHeader(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : await upstream.text());
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      log.error({ err: error.message, path: req.url?.split('?')[0] }, 'request failed');
      if (!res.headersSent)
        json(res, 503, { error: 'the board cannot read its data right now', code: 'OPS_READ_FAILED' });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const allowed = options.allowedHosts?.length
    ? options.allowedHosts
    : defaultAllowedHosts(options.host, port);
  hostAllowed = hostAllowlist(allowed);
  log.info(
    { address, auth: options.token ? 'session cookie or bearer token' : 'none', allowedHosts: allowed },
    'ops board listening',
  );
  return server;
}

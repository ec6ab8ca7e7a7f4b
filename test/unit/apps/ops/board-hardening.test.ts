/**
 * The board's HTTP surface against hostile visitors, over real sockets (no Redis or Kafka: the board's
 * reads are a counting stand-in): Host allowlist, token and session cookie, SSE caps, slow readers,
 * unknown filter codes. Each case here was open before issue #13.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadOpsConfig } from '../../../../services/apps/ops/config.js';
import { BoardHub } from '../../../../services/apps/ops/hub.js';
import { createOpsMetrics, type OpsMetrics } from '../../../../services/apps/ops/metrics.js';
import type { BoardSnapshot } from '../../../../services/apps/ops/snapshot.js';
import { startOpsServer } from '../../../../services/apps/ops/server.js';
import { entryArguments } from '../../../../services/runtime/launch.js';

const TOKEN = 'a-long-enough-secret-for-tests';
const logger = pino({ level: 'silent' });

interface Board {
  server: Server;
  port: number;
  hub: BoardHub;
  metrics: OpsMetrics;
  /** How many snapshots (board scans) were read, per filter. */
  reads: string[];
}

const running: Board[] = [];

afterEach(async () => {
  for (const b of running.splice(0)) {
    b.hub.close();
    b.server.closeAllConnections();
    await new Promise((r) => b.server.close(r));
  }
});

async function board(
  options: {
    token?: string;
    allowedHosts?: string[];
    hub?: Partial<ConstructorParameters<typeof BoardHub>[2]>;
    /** Bytes of padding in every snapshot, different each time (to fill a slow reader's socket). */
    snapshotPadding?: number;
  } = {},
): Promise<Board> {
  const metrics = createOpsMetrics({ defaultMetrics: false });
  const reads: string[] = [];
  let n = 0;
  const source = {
    snapshot: async (filter: object) => {
      reads.push(JSON.stringify(filter));
      n += 1;
      const pad = options.snapshotPadding ? `${n}`.padEnd(options.snapshotPadding, 'x') : '';
      return { now: Date.now(), filter, totals: { open: n }, pad } as unknown as BoardSnapshot;
    },
  };
  const feed = { subscribe: () => () => {}, recent: () => [] };
  const hub = new BoardHub(source, feed, {
    intervalMs: 200,
    logger,
    maxClients: 200,
    maxClientsPerAddress: 20,
    maxBufferBytes: 1024 * 1024,
    drainTimeoutMs: 20_000,
    metrics,
    ...options.hub,
  });
  const server = await startOpsServer({
    host: '127.0.0.1',
    port: 0,
    token: options.token,
    allowedHosts: options.allowedHosts,
    source,
    feed,
    hub,
    logger,
    metrics,
    notReady: () => [],
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const b = { server, port, hub, metrics, reads };
  running.push(b);
  return b;
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  res: IncomingMessage;
}

/** One request; for an event stream (200) resolves at the headers and leaves the stream open. */
function get(
  b: Board,
  path: string,
  headers: Record<string, string> = {},
  localAddress = '127.0.0.1',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: b.port,
        path,
        headers: { host: `127.0.0.1:${b.port}`, ...headers },
        localAddress,
        agent: false,
      },
      (res) => {
        const answer: Answer = { status: res.statusCode ?? 0, headers: res.headers, body: '', res };
        if (res.headers['content-type']?.startsWith('text/event-stream')) return resolve(answer);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (answer.body += chunk));
        res.on('end', () => resolve(answer));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function metric(b: Board, line: RegExp): Promise<number> {
  const text = await b.metrics.registry.metrics();
  return Number(line.exec(text)?.[1] ?? 0);
}

describe('Host allowlist (DNS rebinding)', () => {
  it('answers 421 to a Host it does not know, before reading anything', async () => {
    const b = await board();
    const rebound = await get(b, '/api/snapshot', { host: `evil.example:${b.port}` });
    expect(rebound.status).toBe(421);
    expect(rebound.body).toMatch(/does not answer to the host name "evil\.example:\d+".*OPS_ALLOWED_HOSTS/);
    expect(b.reads).toEqual([]);
    expect((await get(b, '/', { host: `evil.example:${b.port}` })).status).toBe(421);
    expect((await get(b, '/metrics', { host: `evil.example:${b.port}` })).status).toBe(421);
    // The same port under another name, or the right name on another port, is another site too.
    expect((await get(b, '/api/meta', { host: `127.0.0.1:${b.port + 1}` })).status).toBe(421);
    expect(await metric(b, /^otklik_ops_requests_rejected_total\{reason="host"\} (\d+)$/m)).toBe(4);
  });
  it('answers the bound host and the loopback names with the port by default', async () => {
    const b = await board();
    for (const host of [
      `127.0.0.1:${b.port}`,
      `localhost:${b.port}`,
      `LOCALHOST:${b.port}`,
      `[::1]:${b.port}`,
    ])
      expect((await get(b, '/api/meta', { host })).status).toBe(200);
    expect((await get(b, '/healthz', { host: 'probe.internal' })).status).toBe(200);
  });
  it('takes a configured list instead: a name alone allows any port', async () => {
    const b = await board({ allowedHosts: ['board.example', `ops:${8080}`] });
    expect((await get(b, '/api/meta', { host: 'board.example:443' })).status).toBe(200);
    expect((await get(b, '/api/meta', { host: 'ops:8080' })).status).toBe(200);
    expect((await get(b, '/api/meta', { host: 'ops:8081' })).status).toBe(421);
    expect((await get(b, '/api/meta', { host: `127.0.0.1:${b.port}` })).status).toBe(421);
  });
});

describe('token', () => {
  it('is required off loopback: the config refuses, and the process exits with code 2', () => {
    expect(() => loadOpsConfig({ OPS_HTTP_HOST: '0.0.0.0' })).toThrow(
      /OPS_TOKEN: required when OPS_HTTP_HOST \(0\.0\.0\.0\) is not a loopback address/,
    );
    expect(() => loadOpsConfig({ OPS_HTTP_HOST: '192.168.1.5', OPS_TOKEN: '' })).toThrow(
      /OPS_TOKEN: required/,
    );
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost'])
      expect(loadOpsConfig({ OPS_HTTP_HOST: host }).ops.OPS_HTTP_HOST).toBe(host);
    expect(loadOpsConfig({ OPS_HTTP_HOST: '0.0.0.0', OPS_TOKEN: TOKEN }).ops.OPS_TOKEN).toBe(TOKEN);
    expect(() => loadOpsConfig({ OPS_ALLOWED_HOSTS: 'ok.example,not a host' })).toThrow(/OPS_ALLOWED_HOSTS/);

    const env = { ...process.env, OPS_HTTP_HOST: '0.0.0.0', OPS_HTTP_PORT: '0' } as NodeJS.ProcessEnv;
    delete env.OPS_TOKEN;
    const run = spawnSync(process.execPath, [...entryArguments('services/apps/ops/main.ts')], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toMatch(/OPS_TOKEN: required when OPS_HTTP_HOST/);
    expect(run.status).toBe(2);
  });
  it('a wrong token of the same or another length gets 401; the query string no longer counts', async () => {
    const b = await board({ token: TOKEN });
    const sameLength = 'x'.repeat(TOKEN.length);
    expect((await get(b, '/api/snapshot')).status).toBe(401);
    expect((await get(b, '/api/snapshot', { authorization: `Bearer ${sameLength}` })).status).toBe(401);
    expect((await get(b, '/api/snapshot', { authorization: 'Bearer short' })).status).toBe(401);
    expect((await get(b, '/api/snapshot', { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await get(b, `/api/snapshot?token=${TOKEN}`)).status).toBe(401);
    expect((await get(b, '/api/snapshot', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect(b.reads).toHaveLength(1);
    expect(await metric(b, /^otklik_ops_requests_rejected_total\{reason="unauthorised"\} (\d+)$/m)).toBe(5);
  });
  it('/?token= sets an HttpOnly SameSite=Strict cookie and redirects (303) to the page without it', async () => {
    const b = await board({ token: TOKEN });
    const login = await get(b, `/?token=${TOKEN}&region=54`);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/?region=54');
    const cookie = login.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/^otklik_ops_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0] as string;
    expect((await get(b, '/api/snapshot', { cookie: session })).status).toBe(200);
    expect((await get(b, '/api/events', { cookie: `theme=dark; ${session}` })).status).toBe(200);
    expect((await get(b, '/api/snapshot', { cookie: `${session}x` })).status).toBe(401);
    // Behind a TLS proxy the cookie is Secure.
    const tls = await get(b, `/?token=${TOKEN}`, { 'x-forwarded-proto': 'https' });
    expect(tls.headers.location).toBe('/');
    expect(tls.headers['set-cookie']?.[0]).toMatch(/; Secure$/);
    // A wrong token: no cookie, and the token still leaves the address.
    const wrong = await get(b, '/?token=wrong-wrong-wrong-wrong&priority=high');
    expect(wrong.status).toBe(303);
    expect(wrong.headers.location).toBe('/?priority=high&login=failed');
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });
});

describe('live boards (server-sent events)', () => {
  it('caps clients per address and in all: the one over the cap gets 503 with Retry-After', async () => {
    const b = await board({ hub: { maxClients: 3, maxClientsPerAddress: 2 } });
    const open: Answer[] = [];
    for (let i = 0; i < 2; i += 1) open.push(await get(b, '/api/events'));
    expect(open.map((a) => a.status)).toEqual([200, 200]);
    const third = await get(b, '/api/events');
    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toMatch(/^\d+$/);
    expect(JSON.parse(third.body)).toMatchObject({ code: 'OPS_TOO_MANY_CLIENTS' });
    open.push(await get(b, '/api/events', {}, '127.0.0.2'));
    expect(open[2]?.status).toBe(200);
    expect((await get(b, '/api/events', {}, '127.0.0.3')).status).toBe(503);
    expect(b.hub.size).toBe(3);
    expect(await metric(b, /^otklik_ops_board_clients_rejected_total\{cap="per_address"\} (\d+)$/m)).toBe(1);
    expect(await metric(b, /^otklik_ops_board_clients_rejected_total\{cap="total"\} (\d+)$/m)).toBe(1);
    // A closed board frees its place.
    open[0]?.res.destroy();
    await expect.poll(() => b.hub.size).toBe(2);
    expect((await get(b, '/api/events')).status).toBe(200);
  });

  /** A client that asks for the stream and never reads a byte of it. */
  function silentReader(b: Board) {
    const socket = connect({ host: '127.0.0.1', port: b.port });
    socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${b.port}\r\n\r\n`);
    socket.pause();
    socket.on('error', () => {});
    return socket;
  }

  it('drops a reader that never reads once its buffer passes the bound', async () => {
    const b = await board({
      snapshotPadding: 512 * 1024,
      hub: { intervalMs: 50, maxBufferBytes: 1024 * 1024 },
    });
    const socket = silentReader(b);
    await expect.poll(() => b.hub.size).toBe(1);
    await expect.poll(() => b.hub.size, { timeout: 20_000, interval: 100 }).toBe(0);
    socket.destroy();
    expect(await metric(b, /^otklik_ops_board_clients_dropped_total\{reason="buffer"\} (\d+)$/m)).toBe(1);
  });
  it('drops a reader whose socket does not drain in time', async () => {
    const b = await board({
      snapshotPadding: 512 * 1024,
      hub: { intervalMs: 50, maxBufferBytes: 512 * 1024 * 1024, drainTimeoutMs: 500 },
    });
    const socket = silentReader(b);
    await expect.poll(() => b.hub.size).toBe(1);
    await expect.poll(() => b.hub.size, { timeout: 20_000, interval: 100 }).toBe(0);
    socket.destroy();
    expect(await metric(b, /^otklik_ops_board_clients_dropped_total\{reason="drain_timeout"\} (\d+)$/m)).toBe(
      1,
    );
  });
});

describe('filters', () => {
  it('unknown region, category or priority codes get 400 and cause no board read', async () => {
    const b = await board();
    for (const query of [
      'region=abcdefghijklmnop',
      'region=ZZ',
      'region=999',
      'region=54x',
      'category=weather',
      'priority=urgent',
    ]) {
      for (const path of ['/api/snapshot', '/api/events']) {
        const answer = await get(b, `${path}?${query}`);
        expect(answer.status, `${path}?${query}`).toBe(400);
        expect(JSON.parse(answer.body)).toMatchObject({ code: 'OPS_BAD_FILTER' });
        expect(JSON.parse(answer.body).error).toMatch(/is not (a federal subject code|one of)/);
      }
    }
    expect(b.reads).toEqual([]);
    expect(b.hub.size).toBe(0);
    expect(await metric(b, /^otklik_ops_requests_rejected_total\{reason="bad_filter"\} (\d+)$/m)).toBe(12);
    expect((await get(b, '/api/snapshot?region=54&category=ecology&priority=high')).status).toBe(200);
    expect((await get(b, '/api/snapshot?region=154')).status).toBe(200);
  });
  it('clients with equal filters share one read per push', async () => {
    const b = await board({ hub: { intervalMs: 200 } });
    const streams = [];
    for (let i = 0; i < 5; i += 1) streams.push(await get(b, '/api/events?region=54'));
    await new Promise((r) => setTimeout(r, 1_100));
    // 5 first views, then one read per tick for the 5 together (about 5 ticks), not 5 per tick.
    const ticks = b.reads.length - 5;
    expect(ticks).toBeGreaterThan(0);
    expect(ticks).toBeLessThanOrEqual(7);
  });
});

describe('docker-compose', () => {
  it('gives the board a token that must be set, and its own name in the Host allowlist', () => {
    const compose = parseYaml(readFileSync('docker-compose.yml', 'utf8')) as {
      services: { ops: { environment: Record<string, string> } };
    };
    const env = compose.services.ops.environment;
    expect(env.OPS_TOKEN).toMatch(/^\$\{OPS_TOKEN:\?.+\}$/);
    expect(env.OPS_ALLOWED_HOSTS?.split(',')).toContain('ops:8080');
  });
});

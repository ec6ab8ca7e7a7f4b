/**
 * Registry authentication and TLS, against the real registry behind a gateway of the test's own (the
 * way a registry is often secured: a reverse proxy that checks credentials and terminates TLS). The
 * gateway refuses a request without the expected Authorization header (401) and forwards the rest.
 * Checked: basic auth and a bearer token reach the registry on writes (registration) and reads (a
 * reader fetching ids); a CA file makes a self-signed HTTPS registry trusted and its absence does not;
 * and no credential appears in any log line or error message.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  request,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { RegistryUnavailableError } from '../../../services/adapters/registry/errors.js';
import { loadConfig } from '../../../services/runtime/config/load.js';
import { contractReadersOf } from '../../../services/runtime/schema-readers.js';
import { startRegistryMode } from '../../../services/runtime/schema-registry.js';
import { commentEvent } from '../../support/comments.js';
import { isolatedStack } from '../../support/fixture.js';
import { registryUrl } from '../../support/registry.js';

const upstream = new URL(registryUrl());
const PASSWORD = 'pw-9f3c1e-never-in-logs';
const TOKEN = 'tok-51d7a2-never-in-logs';
const dir = mkdtempSync(join(tmpdir(), 'otklik-registry-auth-'));
execFileSync(
  'openssl',
  [
    'req',
    ...['-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1'],
    ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
  ],
  { stdio: 'ignore' },
);
const servers: { close(): void }[] = [];

afterAll(() => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Forwards to the registry what carries `expected` as its Authorization header; 401 otherwise. */
function gateway(expected: string | undefined) {
  const seen: (string | undefined)[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.headers.authorization);
    if (expected !== undefined && req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error_code":401,"message":"Unauthorized"}');
      return;
    }
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  };
  return { seen, handle };
}

async function listen(server: ReturnType<typeof createHttpServer>, protocol: 'http' | 'https') {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${protocol}://127.0.0.1:${(server.address() as AddressInfo).port}${upstream.pathname}`;
}

/** A logger at the most verbose level, keeping every line. */
function recordingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: pino({ level: 'trace' }, stream) };
}

/** Registers our schemas, then reads a message framed with the registry's CommentEvent id as a reader. */
async function registerAndRead(extraEnv: Record<string, string>) {
  const stack = isolatedStack('registry-auth', extraEnv);
  const { env } = loadConfig(stack.env);
  const { lines, logger } = recordingLogger();
  const mode = await startRegistryMode(env, logger);
  if (!mode) throw new Error('registry mode did not start');
  const event = commentEvent();
  const message = mode.codecs.commentEvent.encode(event);
  const readers = contractReadersOf(env);
  await readers.preload([{ value: message }]);
  expect(readers.commentEvent(message)).toEqual(event);
  return { lines };
}

function expectNoSecret(texts: string[]) {
  const all = texts.join('\n');
  for (const secret of [PASSWORD, TOKEN, Buffer.from(`otklik:${PASSWORD}`).toString('base64')])
    expect(all).not.toContain(secret);
}

describe('registry authentication and TLS', () => {
  it('sends basic auth on every request, and logs none of it', async () => {
    const basic = gateway(`Basic ${Buffer.from(`otklik:${PASSWORD}`).toString('base64')}`);
    const url = await listen(createHttpServer(basic.handle), 'http');
    const { lines } = await registerAndRead({
      SCHEMA_REGISTRY_URL: url,
      SCHEMA_REGISTRY_BASIC_AUTH: `otklik:${PASSWORD}`,
    });
    expect(basic.seen.length).toBeGreaterThan(3);
    expect(lines.join('')).toContain('schemas registered');
    expectNoSecret(lines);
  });

  it('sends a bearer token on every request; a wrong one is refused without being echoed', async () => {
    const bearer = gateway(`Bearer ${TOKEN}`);
    const url = await listen(createHttpServer(bearer.handle), 'http');
    const { lines } = await registerAndRead({
      SCHEMA_REGISTRY_URL: url,
      SCHEMA_REGISTRY_BEARER_TOKEN: TOKEN,
    });
    expectNoSecret(lines);

    const wrong = contractReadersOf(
      loadConfig(
        isolatedStack('registry-auth', {
          SCHEMA_REGISTRY_URL: url,
          SCHEMA_REGISTRY_BEARER_TOKEN: `${TOKEN}-wrong`,
        }).env,
      ).env,
    );
    const framed = Buffer.from([0, 0, 0, 0, 1]);
    const refused = await wrong.preload([{ value: framed }])?.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RegistryUnavailableError);
    expectNoSecret([(refused as Error).message, String((refused as Error).stack)]);
  });

  it('trusts a self-signed HTTPS registry through SCHEMA_REGISTRY_CA_FILE, and not without it', async () => {
    const tls = gateway(undefined);
    const url = await listen(
      createHttpsServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        tls.handle,
      ) as unknown as ReturnType<typeof createHttpServer>,
      'https',
    );
    await registerAndRead({ SCHEMA_REGISTRY_URL: url, SCHEMA_REGISTRY_CA_FILE: join(dir, 'cert.pem') });
    expect(tls.seen.length).toBeGreaterThan(3);

    const untrusting = contractReadersOf(
      loadConfig(isolatedStack('registry-auth', { SCHEMA_REGISTRY_URL: url }).env).env,
    );
    const refused = await untrusting
      .preload([{ value: Buffer.from([0, 0, 0, 0, 1]) }])
      ?.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RegistryUnavailableError);
    expect((refused as Error).message).toMatch(/certificate/i);
  });
});

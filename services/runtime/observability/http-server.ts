import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { registerBuildInfo } from './build-info.js';

export interface HealthSource {
  /** Names of the parts that are not ready yet; empty when ready. */
  notReady(): string[];
  /** What is broken for good, so that only a restart of the process helps; empty when healthy. */
  unhealthy?(): string[];
}

/**
 * /metrics (Prometheus), /healthz (the process can still do its work: 503 once a part has stopped for
 * good, for the orchestrator to restart it), /readyz (every part connected and working).
 */
export function startHttpServer(options: {
  host: string;
  port: number;
  registry: Registry;
  health: HealthSource;
  logger: Logger;
  /** A role's own pages: answers and returns true for a path it serves (the analytics sink's report). */
  extra?: (path: string, url: URL, res: ServerResponse) => boolean;
}): Promise<Server> {
  registerBuildInfo(options.registry);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (options.extra?.(path ?? '/', new URL(req.url ?? '/', 'http://local'), res)) return;
    if (path === '/metrics') {
      options.registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': options.registry.contentType });
          res.end(body);
        },
        (error: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics failed: ${error.message}\n`);
        },
      );
      return;
    }
    if (path === '/healthz') {
      const broken = options.health.unhealthy?.() ?? [];
      res.writeHead(broken.length ? 503 : 200, { 'content-type': 'application/json' });
      res.end(broken.length ? `${JSON.stringify({ status: 'failed', broken })}\n` : '{"status":"ok"}\n');
      return;
    }
    if (path === '/readyz') {
      const waiting = options.health.notReady();
      res.writeHead(waiting.length ? 503 : 200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ status: waiting.length ? 'not ready' : 'ready', waiting })}\n`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      options.logger.info({ address }, 'http server listening (/metrics, /healthz, /readyz)');
      resolve(server);
    });
  });
}

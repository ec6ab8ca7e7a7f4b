/**
 * A TCP proxy that can be taken down (new connections refused, open ones cut) and brought back on the
 * same port: cuts a client off a server that must keep its state (the in-memory Schema Registry would
 * lose every id on a restart). Used by the registry outage test and `npm run registry:outage`.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** `target` with the proxy's host and port. */
  url: string;
  down(): Promise<void>;
  up(): Promise<void>;
}

export async function startTcpProxy(target: URL): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const listening = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', () => {
        server = listening;
        port = (listening.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  return {
    url: `${target.protocol}//127.0.0.1:${port}${target.pathname}`,
    down: () =>
      new Promise<void>((resolve) => {
        const closing = server;
        server = undefined;
        for (const s of sockets) s.destroy();
        if (!closing) resolve();
        else closing.close(() => resolve());
      }),
    up: listen,
  };
}

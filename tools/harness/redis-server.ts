import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { until } from './kafka.js';
import { REQUIRED_LISTPACK_VALUE } from '../../services/adapters/redis/redis-settings.js';

/** A free loopback TCP port (the OS picks it; it is released before the caller binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** Freezes the server (SIGSTOP): connections stay open and commands hang. */
  pause(): void;
  /** Thaws a paused server (SIGCONT). */
  resume(): void;
  /** Shuts the server down (SIGTERM): connections are refused until `start()`. */
  shutDown(): Promise<void>;
  /** Starts it again on the same port with the same data directory. */
  start(): Promise<void>;
  /** Stops it for good and removes its data directory. */
  dispose(): Promise<void>;
}

/**
 * A private `redis-server` on a free loopback port, for tests that must stop Redis without touching
 * the machine's shared one. With `persistent`, every write goes to an append-only file fsync'ed before
 * the reply, so a shutdown and restart keeps the data (as a production Redis with AOF would).
 * `extraArgs` are further redis-server options (e.g. `--maxmemory-policy allkeys-lru`).
 */
export async function startOwnRedis(
  options: { persistent?: boolean; extraArgs?: string[] } = {},
): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'otklik-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    '--daemonize',
    'no',
  ];
  args.push(
    ...(options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    // What the stack scripts and the compose file set, and the roles check at start (redis-settings.ts).
    '--hash-max-listpack-value',
    String(REQUIRED_LISTPACK_VALUE),
    ...(options.extraArgs ?? []),
  );
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const current = child;
    exited = new Promise((resolve) => current.once('exit', () => resolve()));
    const probe = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined); // refused while the server starts: expected, polled below
    try {
      await until(
        `redis-server on port ${port}`,
        async () => {
          try {
            if (probe.status !== 'ready') await probe.connect();
            return (await probe.ping()) === 'PONG' ? true : undefined;
          } catch {
            probe.disconnect();
            return undefined;
          }
        },
        15_000,
      );
    } finally {
      probe.disconnect();
    }
  };
  const signal = (s: NodeJS.Signals) => {
    if (child && child.exitCode === null) child.kill(s);
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async shutDown() {
      signal('SIGTERM');
      await exited;
    },
    start,
    async dispose() {
      signal('SIGCONT');
      signal('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ReplicatedRedis {
  master: OwnRedis;
  replica: OwnRedis;
  dispose(): Promise<void>;
}

/**
 * A private master with one replica (`--replicaof`), both on free loopback ports, returned once the
 * replica is online: what a benchmark of `WAIT` needs (OTKLIK_REDIS_WAIT_REPLICAS=1 against the master),
 * without Sentinels, which a benchmark does not exercise.
 */
export async function startReplicatedRedis(): Promise<ReplicatedRedis> {
  const master = await startOwnRedis();
  let replica: OwnRedis | undefined;
  try {
    replica = await startOwnRedis({ extraArgs: ['--replicaof', '127.0.0.1', String(master.port)] });
    const probe = new Redis(master.url, { maxRetriesPerRequest: 1 });
    try {
      await until(
        'the replica to be online',
        async () => (/slave0:.*state=online/.test(await probe.info('replication')) ? true : undefined),
        15_000,
      );
    } finally {
      probe.disconnect();
    }
  } catch (error) {
    await replica?.dispose();
    await master.dispose();
    throw error;
  }
  const started = replica;
  return {
    master,
    replica: started,
    async dispose() {
      await started.dispose();
      await master.dispose();
    },
  };
}

/**
 * A small network of Linux network namespaces on this machine (as root), for partition tests: Redis in
 * one namespace, each worker in one of its own, joined to Redis's by a veth pair; every address lives
 * inside the namespaces, none on the host. The broker stays where it is: each worker namespace reaches
 * it through a relay on its own loopback (127.0.0.1:<broker port>, as the broker advertises itself) into
 * a unix socket, which a relay on the host forwards to the broker (a socket file is visible from every
 * namespace). So cutting a worker's veth parts it from Redis and from nothing else.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { until } from './kafka.js';
import { REQUIRED_LISTPACK_VALUE } from '../../services/adapters/redis/redis-settings.js';

const REDIS_PORT = 6390;

export interface NetnsLab {
  /** The `launchRole` wrap of worker `i`: its process runs in that worker's namespace. */
  wrap(i: number): string[];
  /** REDIS_URL for worker `i` (Redis's address on that worker's veth). */
  redisUrl(i: number): string;
  /** A client of the lab's Redis from the host (through its unix socket). */
  hostRedis(): Redis;
  /** Cuts worker `i` off from Redis: its veth's Redis end goes down, packets vanish without a reply. */
  cut(i: number): void;
  heal(i: number): void;
  dispose(): Promise<void>;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Whether this process may create network namespaces (root, `ip` present). */
export function netnsAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function startNetnsLab(workers: number, broker: string): Promise<NetnsLab> {
  const id = randomBytes(3).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'otklik-netns-'));
  const redisNs = `otk${id}r`;
  const workerNs = Array.from({ length: workers }, (_, i) => `otk${id}w${i}`);
  const redisEnd = (i: number) => `r${id}${i}`;
  const addr = (i: number, host: 1 | 2) => `10.201.${i + 1}.${host}`;
  const children: ChildProcess[] = [];
  const namespaces: string[] = [];
  const kafkaSocket = join(dir, 'kafka.sock');
  const redisSocket = join(dir, 'redis.sock');
  const [brokerHost, brokerPort] = [
    broker.slice(0, broker.lastIndexOf(':')),
    broker.slice(broker.lastIndexOf(':') + 1),
  ];
  const run = (command: string, args: string[]) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    children.push(child);
    return child;
  };
  const dispose = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
    // Deleting a namespace deletes its veth ends, and so their peers.
    for (const ns of namespaces) ip('netns', 'del', ns);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const ns of [redisNs, ...workerNs]) {
      ip('netns', 'add', ns);
      namespaces.push(ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    workerNs.forEach((ns, i) => {
      const workerEnd = `w${id}${i}`;
      ip('link', 'add', workerEnd, 'type', 'veth', 'peer', 'name', redisEnd(i));
      ip('link', 'set', workerEnd, 'netns', ns);
      ip('link', 'set', redisEnd(i), 'netns', redisNs);
      ip('-n', ns, 'addr', 'add', `${addr(i, 2)}/30`, 'dev', workerEnd);
      ip('-n', redisNs, 'addr', 'add', `${addr(i, 1)}/30`, 'dev', redisEnd(i));
      ip('-n', ns, 'link', 'set', workerEnd, 'up');
      ip('-n', redisNs, 'link', 'set', redisEnd(i), 'up');
    });
    run('ip', [
      'netns',
      'exec',
      redisNs,
      'redis-server',
      '--port',
      String(REDIS_PORT),
      '--bind',
      '0.0.0.0',
      '--protected-mode',
      'no',
      '--unixsocket',
      redisSocket,
      '--unixsocketperm',
      '777',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--hash-max-listpack-value',
      String(REQUIRED_LISTPACK_VALUE),
    ]);
    run('socat', [`UNIX-LISTEN:${kafkaSocket},fork`, `TCP:${brokerHost}:${brokerPort}`]);
    for (const ns of workerNs) {
      run('ip', [
        'netns',
        'exec',
        ns,
        'socat',
        `TCP-LISTEN:${brokerPort},bind=127.0.0.1,fork,reuseaddr`,
        `UNIX-CONNECT:${kafkaSocket}`,
      ]);
    }
    const probe = new Redis({
      path: redisSocket,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    await until(
      'the lab Redis',
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
    ).finally(() => probe.disconnect());
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    wrap: (i) => ['ip', 'netns', 'exec', workerNs[i] as string],
    redisUrl: (i) => `redis://${addr(i, 1)}:${REDIS_PORT}`,
    hostRedis: () => new Redis({ path: redisSocket }),
    cut: (i) => ip('-n', redisNs, 'link', 'set', redisEnd(i), 'down'),
    heal: (i) => ip('-n', redisNs, 'link', 'set', redisEnd(i), 'up'),
    dispose,
  };
}

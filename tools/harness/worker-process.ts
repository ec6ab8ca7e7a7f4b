import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'services', 'runtime', 'main.ts');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerProcess {
  readonly pid: number;
  readonly name: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  /** Last lines of stdout and stderr, for failure messages. */
  output(): string;
  /** Whether it exited without being asked to. */
  exitedEarly(): boolean;
  /** Sends SIGTERM and waits for the exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<Exit>;
  kill(): void;
}

const running = new Set<WorkerProcess>();

/**
 * Starts `node --import tsx services/runtime/main.ts <roles>` as production does, with the test's
 * environment. KAFKA_CLIENT_ID gets the process name appended, so the broker's group description shows
 * which process holds which partition.
 */
export function spawnOtklik(
  name: string,
  env: Record<string, string>,
  roles: ('worker' | 'sweeper')[] = ['worker'],
): WorkerProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN, ...roles], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...env,
      KAFKA_CLIENT_ID: `${env.KAFKA_CLIENT_ID ?? 'otklik'}-${name}`,
      // Several processes on one machine: no fixed port for the HTTP endpoints.
      HTTP_PORT: env.HTTP_PORT ?? '0',
      LOG_LEVEL: env.LOG_LEVEL === 'silent' ? 'warn' : (env.LOG_LEVEL ?? 'warn'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let stopRequested = false;
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const proc: WorkerProcess = {
    pid: child.pid as number,
    name,
    exited,
    output: () => `--- ${name} (pid ${child.pid}) ---\n${lines.slice(-60).join('\n')}`,
    exitedEarly: () => !stopRequested && (child.exitCode !== null || child.signalCode !== null),
    async stop(timeoutMs = 40_000) {
      stopRequested = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
    kill() {
      stopRequested = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/** For afterAll/afterEach: kills every process this module started that is still running. */
export async function killAllSpawned(): Promise<void> {
  const left = [...running];
  for (const p of left) p.kill();
  await Promise.all(left.map((p) => p.exited));
}

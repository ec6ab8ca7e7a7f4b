/**
 * The one launcher of an Otklik process from a checkout: `node [nodeFlags] --import tsx
 * services/runtime/main.ts <roles>` from the repository root, or the same file compiled (entryArguments;
 * production runs `node dist/services/runtime/main.js`, the image's entry point). The demo (services/apps/demo), the chaos run, the
 * benchmarks, the fuzzer and the integration tests all start their processes here; it lives in
 * services/runtime, beside main.ts, because the demo is an app and apps never import tools/.
 *
 * What a caller chooses: the roles (or another script, for the benchmark's naive worker), the
 * environment, a name, where the output goes (the last lines kept in memory for failure messages, every
 * line appended to a log file, each line handed to a callback, any of these), node flags (the benchmark
 * profiles with --cpu-prof). What it gets: CPU seconds from /proc, stop (SIGTERM, then SIGKILL after a
 * timeout), kill, restart (the chaos run kills and restarts a slot), exitedEarly, and killAll for a
 * test's teardown.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
const MAIN = 'services/runtime/main.ts';

export type Role = 'worker' | 'sweeper';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchOptions {
  /** Shown in output(), appended to KAFKA_CLIENT_ID (the broker's group description shows who holds what). */
  name: string;
  /** Roles for services/runtime/main.ts; default the worker alone. */
  roles?: readonly Role[];
  /** Another script than main.ts, relative to the repository root (the benchmark's naive worker). */
  script?: string;
  /** The child's environment, over PATH and HOME (nothing else of this process leaks in unless passed). */
  env: Record<string, string | undefined>;
  /** Node flags before the script, e.g. ['--cpu-prof', '--cpu-prof-dir', dir]. */
  nodeFlags?: readonly string[];
  /** Every line of stdout and stderr is appended to this file. */
  logFile?: string;
  /** How many last lines output() keeps in memory (default 400; 0 keeps none). */
  keepLines?: number;
  /** Called with every complete line of stdout and stderr. */
  onLine?: (line: string) => void;
  /**
   * A command the node process is started through, which must exec it in place (same pid), e.g.
   * `['ip', 'netns', 'exec', '<namespace>']` for a role inside a network namespace.
   */
  wrap?: readonly string[];
  /** The compiled tree to run from (entryArguments); '' runs the source. Default: OTKLIK_BUILD_DIR. */
  buildDir?: string;
}

export interface RoleProcess {
  readonly name: string;
  /** Of the current start (a restart changes it). */
  readonly pid: number;
  /** Resolves when the current start has exited. */
  readonly exited: Promise<Exit>;
  /** How many times it has been started. */
  readonly starts: number;
  alive(): boolean;
  /** The exit code, or the signal that ended it; null while it runs. */
  exitCode(): number | NodeJS.Signals | null;
  /** Whether it exited without being asked to (stop or kill). */
  exitedEarly(): boolean;
  /** Its last lines of stdout and stderr, headed by name and pid, for failure messages. */
  output(lines?: number): string;
  /** User + system CPU seconds of the current start (NaN where /proc is missing). */
  cpuSeconds(): number;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves on exit. */
  stop(timeoutMs?: number): Promise<Exit>;
  /** SIGKILL; resolves on exit. */
  kill(): Promise<Exit>;
  /** Starts it again (after an exit) with the same options. */
  restart(): void;
}

const running = new Set<RoleProcess>();

/**
 * The node arguments that run `script` (a path under the repository root): from the tree that
 * scripts/build.ts writes when OTKLIK_BUILD_DIR names one and the script is part of services/, as plain
 * JavaScript (a start costs about half the CPU: no transpiler hooks on every module); otherwise from the
 * TypeScript source through tsx. The test suite builds once and sets it; tools outside services/ (the
 * benchmark's naive worker) always run from source.
 */
export function entryArguments(script: string, buildDir = process.env.OTKLIK_BUILD_DIR): string[] {
  if (buildDir && script.startsWith('services/') && script.endsWith('.ts')) {
    return ['--enable-source-maps', join(buildDir, `${script.slice(0, -'.ts'.length)}.js`)];
  }
  return ['--import', 'tsx', join(REPO_ROOT, script)];
}

export function launchRole(options: LaunchOptions): RoleProcess {
  const keepLines = options.keepLines ?? 400;
  const lines: string[] = [];
  let child!: ChildProcess;
  let exited!: Promise<Exit>;
  let stopRequested = false;
  let starts = 0;
  const isAlive = () => child.exitCode === null && child.signalCode === null;

  const start = () => {
    const env = options.env;
    const script = options.script ?? MAIN;
    const args = options.script ? [] : [...(options.roles ?? ['worker'])];
    // Output that only goes to a file is written there by the child itself: it survives the launcher
    // (the demo's workers finish their shutdown after a Ctrl-C) and costs this process nothing.
    const direct =
      options.logFile && keepLines === 0 && !options.onLine ? openSync(options.logFile, 'a') : undefined;
    const wrap = options.wrap ?? [];
    const node = [
      ...(options.nodeFlags ?? []),
      ...entryArguments(script, options.buildDir ?? process.env.OTKLIK_BUILD_DIR),
      ...args,
    ];
    child = spawn(
      wrap[0] ?? process.execPath,
      wrap.length > 0 ? [...wrap.slice(1), process.execPath, ...node] : node,
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          ...env,
          KAFKA_CLIENT_ID: `${env.KAFKA_CLIENT_ID ?? 'otklik'}-${options.name}`,
          // Several processes on one machine: no fixed port for the HTTP endpoints unless asked.
          HTTP_PORT: env.HTTP_PORT ?? '0',
          // A caller that is silent itself still wants its children's warnings in failure messages.
          LOG_LEVEL: env.LOG_LEVEL === 'silent' || !env.LOG_LEVEL ? 'warn' : env.LOG_LEVEL,
        },
        stdio: ['ignore', direct ?? 'pipe', direct ?? 'pipe'],
      },
    );
    if (direct !== undefined) closeSync(direct);
    const log =
      options.logFile && direct === undefined
        ? createWriteStream(options.logFile, { flags: 'a' })
        : undefined;
    let partial = { out: '', err: '' };
    const keep = (line: string) => {
      if (!line) return;
      options.onLine?.(line);
      if (keepLines === 0) return;
      lines.push(line);
      if (lines.length > keepLines) lines.shift();
    };
    const take = (stream: 'out' | 'err') => (chunk: Buffer) => {
      log?.write(chunk);
      const parts = (partial[stream] + chunk.toString('utf8')).split('\n');
      partial = { ...partial, [stream]: parts.pop() ?? '' };
      for (const line of parts) keep(line);
    };
    child.stdout?.on('data', take('out'));
    child.stderr?.on('data', take('err'));
    exited = new Promise<Exit>((resolve) =>
      child.once('close', (code, signal) => {
        for (const stream of ['out', 'err'] as const) if (partial[stream]) keep(partial[stream]);
        log?.end();
        resolve({ code, signal });
      }),
    );
    stopRequested = false;
    starts++;
  };
  start();

  const proc: RoleProcess = {
    name: options.name,
    get pid() {
      return child.pid as number;
    },
    get exited() {
      return exited;
    },
    get starts() {
      return starts;
    },
    alive: isAlive,
    exitCode: () => child.exitCode ?? child.signalCode,
    exitedEarly: () => !stopRequested && !isAlive(),
    output: (count = 60) => [`--- ${options.name} (pid ${child.pid}) ---`, ...lines.slice(-count)].join('\n'),
    cpuSeconds: () => cpuSecondsOf(child.pid),
    async stop(timeoutMs = 40_000) {
      stopRequested = true;
      if (isAlive()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
    async kill() {
      stopRequested = true;
      if (isAlive()) child.kill('SIGKILL');
      return exited;
    },
    restart() {
      if (isAlive()) throw new Error(`${options.name} is still running (pid ${child.pid})`);
      start();
      track();
    },
  };
  const track = () => {
    running.add(proc);
    const current = exited;
    void current.then(() => current === exited && running.delete(proc));
  };
  track();
  return proc;
}

/**
 * For test teardown (SIGKILL) and an app's exit handler (SIGTERM, sent synchronously): ends every
 * process launched here that still runs.
 */
export async function killAll(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
  const left = [...running];
  await Promise.all(left.map((p) => (signal === 'SIGKILL' ? p.kill() : p.stop())));
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function cpuSecondsOf(pid: number | undefined): number {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/** One Otklik worker process for the fuzzer, started as production starts it, with its HTTP probes. */
import { launchRole } from '../../services/runtime/launch.js';
import { freePort } from '../harness/redis-server.js';

export interface Probe {
  status: number | 'unreachable';
  body: string;
}

export interface FuzzWorker {
  readonly pid: number;
  readonly port: number;
  /** The process is still running. */
  alive(): boolean;
  exitCode(): number | string | null;
  probe(path: '/healthz' | '/readyz'): Promise<Probe>;
  /**
   * What the process logged at warn level or above, reduced to its message and error (pino JSON),
   * counted by distinct line: the worker logs ids and codes only, never comment text.
   */
  problems(): Map<string, number>;
  stop(): Promise<void>;
}

export async function startWorker(env: Record<string, string>): Promise<FuzzWorker> {
  const port = await freePort();
  const problems = new Map<string, number>();
  const worker = launchRole({
    name: 'fuzz-worker',
    env: { LOG_LEVEL: 'warn', ...env, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port) },
    keepLines: 0,
    onLine: (line) => {
      const summary = problemOf(line);
      if (summary !== undefined) problems.set(summary, (problems.get(summary) ?? 0) + 1);
    },
  });
  return {
    pid: worker.pid,
    port,
    alive: worker.alive,
    exitCode: worker.exitCode,
    async probe(path) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3_000) });
        return { status: res.status, body: (await res.text()).trim() };
      } catch (error) {
        return { status: 'unreachable', body: (error as Error).message };
      }
    },
    problems: () => problems,
    async stop() {
      await worker.stop(15_000);
    },
  };
}

/** A pino line at warn or above, reduced to its message, code and error; undefined for the others. */
function problemOf(line: string): string | undefined {
  let summary: string;
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; err?: unknown; code?: string };
    if ((entry.level ?? 0) < 40) return undefined;
    const err = typeof entry.err === 'string' ? entry.err : JSON.stringify(entry.err ?? '');
    summary = `${entry.msg ?? ''}${entry.code ? ` [${entry.code}]` : ''}${err && err !== '""' ? `: ${err}` : ''}`;
  } catch {
    summary = line;
  }
  return summary.slice(0, 240);
}

/** Waits until the worker answers /readyz with 200 (it has joined its group). */
export async function untilReady(worker: FuzzWorker, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!worker.alive()) throw new Error(`the worker exited (${worker.exitCode()}) before it was ready`);
    if ((await worker.probe('/readyz')).status === 200) return;
    if (Date.now() > deadline) throw new Error(`the worker was not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

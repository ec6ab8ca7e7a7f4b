import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entryArguments, killAll, launchRole, REPO_ROOT } from '../../../services/runtime/launch.js';

const SCRIPT = 'test/unit/runtime/fixtures/chatty-process.ts';
const dir = mkdtempSync(join(tmpdir(), 'otklik-launch-'));
afterAll(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('entryArguments', () => {
  it('runs a service from the compiled tree when one is named, with source maps for its stack traces', () => {
    expect(entryArguments('services/runtime/main.ts', '/repo/.otklik/test-build')).toEqual([
      '--enable-source-maps',
      '/repo/.otklik/test-build/services/runtime/main.js',
    ]);
  });

  it('runs from the TypeScript source through tsx without a tree, and always for files outside services/', () => {
    expect(entryArguments('services/runtime/main.ts', '')).toEqual([
      '--import',
      'tsx',
      join(REPO_ROOT, 'services/runtime/main.ts'),
    ]);
    expect(entryArguments('tools/bench/naive-worker.ts', '/repo/.otklik/test-build')).toEqual([
      '--import',
      'tsx',
      join(REPO_ROOT, 'tools/bench/naive-worker.ts'),
    ]);
  });
});

describe('launchRole', { timeout: 60_000 }, () => {
  it('keeps the last lines in memory, and says when a process exited unasked', async () => {
    const p = launchRole({
      name: 'short',
      script: SCRIPT,
      env: { CHATTY_LINES: '5', CHATTY_EXIT: '3' },
      keepLines: 2,
    });
    expect(await p.exited).toEqual({ code: 3, signal: null });
    expect(p.exitedEarly()).toBe(true);
    expect(p.exitCode()).toBe(3);
    expect(p.output()).toBe(`--- short (pid ${p.pid}) ---\nline 4 of ${p.pid}\nline 5 of ${p.pid}`);
  });

  it('stops with SIGTERM, restarts, and appends every start to the log file', async () => {
    const logFile = join(dir, 'slot.log');
    const p = launchRole({ name: 'slot', script: SCRIPT, env: {}, logFile, keepLines: 0 });
    await until('the first start to wait', () => readFileSync(logFile, 'utf8').endsWith('waiting\n'));
    const first = p.pid;
    expect(await p.stop(5_000)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(p.exitedEarly()).toBe(false);
    p.restart();
    expect(p.starts).toBe(2);
    expect(p.pid).not.toBe(first);
    await until(
      'the second start to wait',
      () => readFileSync(logFile, 'utf8').split('waiting').length === 3,
    );
    expect(await p.kill()).toEqual({ code: null, signal: 'SIGKILL' });
    expect(p.output(), 'no lines kept: the header alone').toBe(`--- slot (pid ${p.pid}) ---`);
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain(`line 3 of ${first}`);
    expect(log).toContain(`line 3 of ${p.pid}`);
  });

  it('hands every line to onLine, passes node flags, reads CPU time, and killAll ends what runs', async () => {
    const seen: string[] = [];
    const p = launchRole({
      name: 'flags',
      script: SCRIPT,
      env: {},
      nodeFlags: ['--max-old-space-size=64'],
      onLine: (line) => seen.push(line),
    });
    await until('it to wait', () => seen.length === 5);
    expect([...seen].sort()).toEqual(
      [`line 1 of ${p.pid}`, `line 2 of ${p.pid}`, `line 3 of ${p.pid}`, 'on stderr', 'waiting'].sort(),
    );
    expect(readFileSync(`/proc/${p.pid}/cmdline`, 'utf8')).toContain('--max-old-space-size=64');
    expect(p.cpuSeconds()).toBeGreaterThan(0);
    await killAll();
    expect(p.alive()).toBe(false);
  });
});

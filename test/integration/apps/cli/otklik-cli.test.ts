/**
 * The `otklik` CLI against the real broker and Redis: create topics, replay the sample file through a
 * worker and a sweeper, tail what they publish, read the counters, and reach the mounted dlq tool.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../services/apps/cli/main.js';
import type { CounterTotals } from '../../../../services/core/sla/counters.js';
import { loadConfig } from '../../../../services/runtime/config/load.js';
import { startApp, type RunningApp } from '../../../../services/runtime/app.js';
import { isolatedStack } from '../../../support/fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'otklik-cli-'));
const configFile = join(dir, 'policy.yaml');
writeFileSync(
  configFile,
  [
    'sla:',
    '  name: short',
    '  targets: { critical: 2s, high: 2s, normal: 2s, low: 2s }',
    '  escalation: { every: 60s, maxLevel: 0 }',
    'sweeper: { leaseMs: 5000, maxSleepMs: 100, claimBatch: 100 }',
  ].join('\n'),
);
const stack = isolatedStack('cli', { OTKLIK_CONFIG: configFile });
let app: RunningApp | undefined;

async function otklik(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: stack.env });
  return { code, out, err, text: out.join('\n') };
}

beforeAll(async () => {
  const created = await otklik('topics', 'create', '--partitions', '2');
  expect(created.code).toBe(0);
  expect(created.out.filter((l) => l.startsWith('created'))).toHaveLength(5);
  app = await startApp(loadConfig(stack.env), stack.logger, { roles: ['worker', 'sweeper'] });
});
afterAll(async () => {
  await app?.close();
});

describe('otklik CLI on the local stack', () => {
  it('topics describe shows the partitions and offsets of the five topics', async () => {
    const r = await otklik('topics', 'describe', '--json');
    expect(r.code).toBe(0);
    const described = JSON.parse(r.text) as { topic: string; partitions: unknown[] }[];
    expect(described.map((d) => d.topic).sort()).toEqual(
      ['COMMENTS', 'CLASSIFIED', 'ALERTS', 'DLQ', 'ACTIONS']
        .map((t) => stack.env[`OTKLIK_TOPIC_${t}`])
        .sort(),
    );
    expect(described.every((d) => d.partitions.length === 2)).toBe(true);
  });

  it('produce replays the sample file; tail shows what the worker and the sweeper published; stats counts it', async () => {
    const produced = await otklik('produce', 'samples/comments.jsonl', '--rate', '500', '--json');
    expect(produced.err).toEqual([]);
    expect(produced.code).toBe(0);
    const summary = JSON.parse(produced.text) as {
      sent: number;
      invalid: number;
      byOp: Record<string, number>;
    };
    expect(summary).toMatchObject({ sent: 50, invalid: 0, byOp: { POSTED: 49, DELETED: 1 } });

    const classified = await otklik(
      'tail',
      'classified',
      '--from-beginning',
      '--limit',
      '45',
      '--timeout',
      '60',
      '--json',
    );
    expect(classified.code).toBe(0);
    const lines = classified.out.map(
      (l) => JSON.parse(l) as { key: string; classification: { category: string } },
    );
    expect(lines).toHaveLength(45);
    expect(lines.find((c) => c.key === 'VK:s-001')?.classification.category).toBe('housing_utilities');

    // Fewer than three of the last five per partition are from region 54: a limit of 3 was never
    // reached and every run waited out the 30 s timeout. The first match ends it now; the lines of
    // other regions that come before it must not be shown.
    const readable = await otklik(
      'tail',
      'classified',
      '--last',
      '5',
      '--limit',
      '1',
      '--timeout',
      '30',
      '--region',
      '54',
    );
    expect(readable.code).toBe(0);
    expect(readable.out).toHaveLength(1);
    expect(readable.out.every((l) => l.includes('54 Новосибирская область'))).toBe(true);

    // Every sample is older than the 2 s target: unanswered ones breach at once.
    const alerts = await otklik(
      'tail',
      'alerts',
      '--from-beginning',
      '--limit',
      '3',
      '--timeout',
      '60',
      '--json',
    );
    expect(alerts.code).toBe(0);
    const decoded = alerts.out.map((l) => JSON.parse(l) as { kind: string; overdue_ms: number });
    expect(decoded).toHaveLength(3);
    expect(decoded.every((a) => a.kind === 'BREACH' && a.overdue_ms > 0)).toBe(true);

    const stats = await otklik('stats', '--by', 'priority', '--json');
    expect(stats.code).toBe(0);
    const { total } = JSON.parse(stats.text) as { total: { totals: CounterTotals } };
    expect(total.totals.opened).toBeGreaterThan(30);
    expect(total.totals.answered_in_time + total.totals.answered_late).toBeGreaterThanOrEqual(3);
    expect(total.totals.cancelled).toBe(1);

    const table = await otklik('stats', '--by', 'region,category');
    expect(table.code).toBe(0);
    expect(table.text).toMatch(/^region\s+category\s+opened\s+open/);
    expect(table.text).toMatch(/TOTAL/);
    expect(table.text).toContain('Новосибирская область');
  });

  it('mounts the dlq tool as it is', async () => {
    const r = await otklik('dlq', 'list', '--limit', '5');
    expect(r.code).toBe(0);
    expect(r.text).toBe(`no dead letters in ${stack.env.OTKLIK_TOPIC_DLQ}`);
  });

  it('the binary runs, with --help on every command, and rejects bad arguments with exit code 2', async () => {
    // One real start of the binary: the built one, as package.json's "bin" names it, when the suite has
    // built (OTKLIK_BUILD_DIR), else the source one through tsx (seconds on a loaded machine); every
    // command's help is then read in-process, through the same program the binary runs.
    const buildDir = process.env.OTKLIK_BUILD_DIR;
    const bin = buildDir ? `${buildDir}/services/apps/cli/bin.mjs` : 'services/apps/cli/bin.mjs';
    const { stdout } = await promisify(execFile)('node', [bin, '--help'], {
      env: { ...process.env, ...stack.env },
    });
    expect(stdout).toMatch(/^Usage: otklik/);
    const dlqHelp = await otklik('dlq', '--help');
    expect(dlqHelp.code).toBe(0);
    expect(dlqHelp.text).toMatch(/^Usage: dlq/);
    for (const command of [
      ['produce'],
      ['tail'],
      ['stats'],
      ['topics'],
      ['topics', 'create'],
      ['topics', 'describe'],
    ]) {
      const help = await otklik(...command, '--help');
      expect(help.code).toBe(0);
      expect(help.text).toMatch(new RegExp(`^Usage: otklik ${command.join(' ')}`));
    }
    const bad = await otklik('produce', 'samples/comments.jsonl', '--rate', 'fast');
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(/not a number/);
  });
});

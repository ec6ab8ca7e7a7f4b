/**
 * `npm run bench:analytics`, short: 2,000 comments through the sink from the real broker and 5,000
 * generated ones queried and reported on. The 10 M-row run is the command itself (docs/benchmarks.md);
 * this checks that it runs end to end and that its last line carries every figure.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isolatedStack } from '../../../support/fixture.js';

const stack = isolatedStack('bench-analytics');

describe('bench:analytics (short)', () => {
  it('ingests from the broker, generates, queries, reports, and prints its figures as JSON', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tools/bench/analytics.ts', '--ingest', '2000', '--comments', '5000'],
      { env: { ...process.env, ...stack.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, err).toBe(0);
    const figures = JSON.parse(out.trim().split('\n').at(-1) as string) as Record<string, number>;
    expect(figures).toMatchObject({ comments: 5_000, ingested: 2_000 });
    for (const key of ['ingest_per_s', 'query_p50_ms', 'query_max_ms', 'report_s', 'db_mb_per_million'])
      expect(figures[key], key).toBeGreaterThan(0);
    expect(figures.query_max_ms).toBeGreaterThanOrEqual(figures.query_p50_ms as number);
  });
});

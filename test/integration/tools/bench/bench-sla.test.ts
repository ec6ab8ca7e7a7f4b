/**
 * `npm run bench:sla`, short: 8,000 opens per layout (v1, the layout before #22, and the current one) in
 * four alternating segments of 2,000, both arrival modes, on the bench's private redis-server; no
 * lateness run (its sweep waits a minute). The 1 M run is the command itself (docs/sla-engine.md,
 * Capacity); this checks that it runs end to end, that the layouts alternate round by round and that its
 * last line carries every figure the capacity table quotes.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('bench:sla (short)', () => {
  it('registers both layouts in alternating segments and prints their figures as JSON', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'tools/bench/sla.ts',
        ...['--items', '4000', '--segment', '1000', '--modes', 'spread,realtime', '--layout', 'v1,v2'],
        ...['--skip-lateness', '--settle-ms', '20'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, err).toBe(0);
    // The segments alternate: v1's round r, then v2's, in each mode.
    const order = [...err.matchAll(/per round ([\d. /]+); median/g)].map((m) => m[1]?.split(' / ').length);
    expect(order).toEqual([4, 4]);
    const f = JSON.parse(out.trim().split('\n').at(-1) as string) as Record<string, unknown>;
    expect(f).toMatchObject({ items: 4000, rounds: 4, layouts: ['v1', 'v2'], excerpt_chars: 60 });
    for (const suffix of ['', '_realtime']) {
      const segments = f[`redis_us_per_open_segments${suffix}`] as number[];
      const segmentsV1 = f[`redis_us_per_open_segments${suffix}_v1`] as number[];
      expect(segments).toHaveLength(4);
      expect(segmentsV1).toHaveLength(4);
      const rounds = f[`cpu_ratio_rounds${suffix}_v1_over_v2`] as number[];
      // Each round's ratio is that round's v1 segment over its v2 segment.
      rounds.forEach((r, i) => expect(r).toBeCloseTo((segmentsV1[i] as number) / (segments[i] as number), 1));
      const sorted = [...rounds].sort((a, b) => a - b);
      expect(f[`cpu_ratio${suffix}_v1_over_v2`]).toBeCloseTo(
        ((sorted[1] as number) + (sorted[2] as number)) / 2,
        1,
      );
      for (const key of [
        `redis_us_per_open${suffix}`,
        `redis_us_per_open${suffix}_v1`,
        `bytes_per_open_item${suffix}`,
      ])
        expect(f[key], key).toBeGreaterThan(0);
      expect(f[`growth${suffix}`]).toBeGreaterThan(0);
      // Steady state between the two measured ends: all in slots, all in `soon`.
      expect(f[`bytes_per_open_item_steady${suffix}`]).toBeGreaterThan(
        f[`bytes_per_open_item${suffix}`] as number,
      );
      expect(f[`bytes_per_open_item_steady${suffix}`]).toBeLessThan(
        f[`bytes_per_open_item_in_soon${suffix}`] as number,
      );
    }
    expect(f.bytes_per_open_item_steady_peak).toBeGreaterThan(f.bytes_per_open_item_steady as number);
    expect(f.steady_soon_share_peak).toBeGreaterThan(f.steady_soon_share as number);
    expect(f.steady_soon_share).toBeGreaterThan(0.1);
    expect(f.steady_soon_share).toBeLessThan(0.3);
    expect(f.reference_loop_cpu_ms).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from 'vitest';
import { isolateFailures } from '../../../../services/roles/worker/isolate-failures.js';

/** A fake idempotent store: applying an item records it; a part holding a poisoned item fails whole. */
function store(poisoned: ReadonlySet<number>) {
  const applied = new Map<number, number>();
  let calls = 0;
  return {
    applied,
    calls: () => calls,
    attempt: async (part: readonly number[]) => {
      calls++;
      // Like a pipeline of scripts: the items before the poisoned one are applied, then it fails.
      for (const item of part) {
        if (poisoned.has(item)) throw new Error(`item ${item} refused`);
        applied.set(item, (applied.get(item) ?? 0) + 1);
      }
      return part.map((item) => `ok ${item}`);
    },
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('isolateFailures: a failure for good pinned on the items responsible', () => {
  it('one call and every result when nothing fails', async () => {
    const s = store(new Set());
    const out = await isolateFailures(range(1000), s.attempt, { isolates: () => true });
    expect(s.calls()).toBe(1);
    expect(out.failed).toEqual([]);
    expect(out.results[999]).toBe('ok 999');
  });

  it('finds the poisoned items among 1,000, applies every other one, in about 2·log2(n) calls per poisoned item', async () => {
    const poisoned = new Set([0, 417, 418, 999]);
    const s = store(poisoned);
    const out = await isolateFailures(range(1000), s.attempt, { isolates: () => true });
    expect(out.failed.map((f) => f.index)).toEqual([0, 417, 418, 999]);
    expect((out.failed[1]?.error as Error).message).toBe('item 417 refused');
    for (let i = 0; i < 1000; i++) {
      expect(s.applied.has(i), `item ${i}`).toBe(!poisoned.has(i));
      expect(out.results[i]).toBe(poisoned.has(i) ? undefined : `ok ${i}`);
    }
    expect(s.calls()).toBeLessThanOrEqual(1 + poisoned.size * 2 * Math.ceil(Math.log2(1000)));
  });

  it('a single poisoned item is the only failure', async () => {
    const s = store(new Set([0]));
    const out = await isolateFailures([0], s.attempt, { isolates: () => true });
    expect(out.failed.map((f) => f.index)).toEqual([0]);
    expect(s.calls()).toBe(1);
  });

  it('an error no item can be blamed for is thrown as is, nothing split', async () => {
    let calls = 0;
    const down = new Error('the whole group failed');
    await expect(
      isolateFailures(
        range(10),
        async () => {
          calls++;
          throw down;
        },
        { isolates: (e) => e !== down },
      ),
    ).rejects.toBe(down);
    expect(calls).toBe(1);
  });

  it('nothing to do for no items', async () => {
    const s = store(new Set());
    expect(await isolateFailures([], s.attempt, { isolates: () => true })).toEqual({
      results: [],
      failed: [],
    });
    expect(s.calls()).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { ChunkGroups } from '../../../services/runtime/consumer/chunk-group.js';

interface Chunk {
  lastOffset: string;
}

function chunk(lastOffset: string): Chunk {
  return { lastOffset };
}

describe('ChunkGroups: group commit of the chunks handed in together', () => {
  it('confirms chunks submitted in the same turn as one group, and later ones in the next group', async () => {
    const groups: string[][] = [];
    let release: (() => void) | undefined;
    const chunkGroups = new ChunkGroups<Chunk>(async (chunks) => {
      groups.push(chunks.map((c) => c.lastOffset));
      if (groups.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = [chunkGroups.submit(chunk('a')), chunkGroups.submit(chunk('b'))];
    await new Promise((resolve) => setImmediate(resolve));
    // While the first group is in flight, new chunks wait for the next one.
    const second = [chunkGroups.submit(chunk('c')), chunkGroups.submit(chunk('d'))];
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups).toEqual([['a', 'b']]);
    release?.();
    await Promise.all([...first, ...second]);
    expect(groups).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('fails every chunk of a failed group, and the next group still runs', async () => {
    let calls = 0;
    const chunkGroups = new ChunkGroups<Chunk>(async () => {
      if (++calls === 1) throw new Error('redis down');
    });
    const failed = [chunkGroups.submit(chunk('a')), chunkGroups.submit(chunk('b'))];
    for (const result of await Promise.allSettled(failed)) {
      expect(result.status).toBe('rejected');
    }
    await expect(chunkGroups.submit(chunk('c'))).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});

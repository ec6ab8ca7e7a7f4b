import { describe, expect, it } from 'vitest';
import { decideGeneration, lostShards, type ShardState } from '../../../../services/core/state/generation.js';

const shard = (generation: string | null, layoutPresent = true): ShardState => ({
  generation,
  layoutPresent,
});

describe('the state generation decision at start', () => {
  it('trusts a keyspace whose every shard carries the same generation', () => {
    expect(decideGeneration([shard('g1'), shard('g1'), shard('g1')], true)).toEqual({
      kind: 'intact',
      generation: 'g1',
    });
  });

  it('initialises an empty keyspace only when the group never committed', () => {
    const empty = [shard(null, false), shard(null, false)];
    expect(decideGeneration(empty, false)).toEqual({ kind: 'initialise' });
    const lost = decideGeneration(empty, true);
    expect(lost.kind).toBe('lost');
    expect(lost).toMatchObject({ shards: [0, 1] });
    expect(lost.kind === 'lost' && lost.reason).toContain('committed offsets');
  });

  it('adopts a keyspace with the layout on every shard and no generation (written before generations)', () => {
    expect(decideGeneration([shard(null), shard(null)], true)).toEqual({ kind: 'adopt' });
  });

  it('names the shards that lost their generation while the others kept it', () => {
    expect(
      decideGeneration([shard('g1'), shard(null, false), shard('g1'), shard(null)], false),
    ).toMatchObject({
      kind: 'lost',
      shards: [1, 3],
    });
  });

  it('names the shards restored from another copy (a generation not the majority one)', () => {
    expect(decideGeneration([shard('g1'), shard('g2'), shard('g1')], true)).toMatchObject({
      kind: 'lost',
      shards: [1],
    });
  });

  it('an empty keyspace with part of the layout left and committed offsets is lost on the empty shards', () => {
    expect(decideGeneration([shard(null, true), shard(null, false)], true)).toMatchObject({
      kind: 'lost',
      shards: [1],
    });
  });
});

describe('the state generation check while running', () => {
  it('lists every shard whose generation is not the one read at start', () => {
    expect(lostShards('g1', ['g1', null, 'g2', 'g1'])).toEqual([1, 2]);
    expect(lostShards('g1', ['g1', 'g1'])).toEqual([]);
  });
});

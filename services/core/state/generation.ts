/**
 * The state generation: one random id written into every shard of the SLA keyspace when the keyspace is
 * first used, and checked by every role at start and while it runs. Redis that lost its data (a flushed
 * database, a replica promoted before it had synced, a master restarted without its append-only file)
 * answers like a quiet one; the missing generation is what tells the two apart (issue #20, docs/faults.md
 * "State lost").
 */

/** What one shard holds, as read at start. */
export interface ShardState {
  /** The shard's generation key, null when absent. */
  generation: string | null;
  /** The shard holds keys of the SLA layout (its layout version key is set). */
  layoutPresent: boolean;
}

export type GenerationDecision =
  /** Every shard carries the same generation: the state is the one the roles left. */
  | { kind: 'intact'; generation: string }
  /** Nothing anywhere and nothing consumed yet: a new deployment; write a new generation. */
  | { kind: 'initialise' }
  /**
   * No generation anywhere but every shard has the layout: a keyspace written by a version without
   * generations (or just migrated); adopt it by writing a new generation.
   */
  | { kind: 'adopt' }
  /** The state is not the one the roles left: refuse to run on it. */
  | { kind: 'lost'; shards: number[]; reason: string };

/**
 * Decides, from every shard's generation and layout key and whether the consumer group has committed
 * any offset, whether the SLA state can be trusted. An empty keyspace is trusted only when nothing was
 * ever consumed: committed offsets say comments were counted into a state that is gone.
 */
export function decideGeneration(
  shards: readonly ShardState[],
  groupHasCommitted: boolean,
): GenerationDecision {
  const generations = new Set(shards.flatMap((s) => (s.generation === null ? [] : [s.generation])));
  if (generations.size > 1) {
    const counts = new Map<string, number>();
    for (const s of shards) if (s.generation) counts.set(s.generation, (counts.get(s.generation) ?? 0) + 1);
    const majority = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
    return {
      kind: 'lost',
      shards: shards.flatMap((s, i) => (s.generation === majority ? [] : [i])),
      reason: 'shards carry different state generations (some were restored from another copy)',
    };
  }
  const [generation] = generations;
  if (generation !== undefined) {
    const missing = shards.flatMap((s, i) => (s.generation === null ? [i] : []));
    if (missing.length === 0) return { kind: 'intact', generation };
    return {
      kind: 'lost',
      shards: missing,
      reason: 'shards lost their state generation (their data is gone)',
    };
  }
  if (shards.length > 0 && shards.every((s) => s.layoutPresent)) return { kind: 'adopt' };
  if (!groupHasCommitted) return { kind: 'initialise' };
  return {
    kind: 'lost',
    shards: shards.flatMap((s, i) => (s.layoutPresent ? [] : [i])),
    reason:
      'the SLA keyspace is empty, yet the consumer group has committed offsets: the comments it counted are gone',
  };
}

/** A check while the roles run: every shard must still carry the generation read at start. */
export function lostShards(expected: string, current: readonly (string | null)[]): number[] {
  return current.flatMap((g, i) => (g === expected ? [] : [i]));
}

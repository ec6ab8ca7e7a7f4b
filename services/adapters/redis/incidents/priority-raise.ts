/**
 * Raises the SLA priority of an open incident's members (docs/incidents.md#consequences), one
 * `incident_raise.lua` call per member on the member's SLA shard: idempotent per comment, so the
 * incident service may repeat it after any crash.
 */
import type { Cluster, Redis } from 'ioredis';
import { shardOf } from '../../../core/sla/shard.js';
import { SlaKeys } from '../keys.js';
import { loadLuaScript } from '../lua-loader.js';

export type RaiseOutcome = 'RAISED' | 'DUPLICATE' | 'NOT_OPEN' | 'AT_TOP';

type RaiseFn = (...args: (string | number)[]) => Promise<[RaiseOutcome, string, string]>;

export class PriorityRaiser {
  private readonly keys: SlaKeys;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly options: { prefix: string; shards: number; steps: number; markerTtlSeconds: number },
  ) {
    this.keys = new SlaKeys(options.prefix);
    if (!('incidentRaise' in redis))
      redis.defineCommand('incidentRaise', { numberOfKeys: 3, lua: loadLuaScript('incident_raise') });
  }

  /** The marker that says a member was dealt with (in the member's SLA shard). */
  markerKey(commentKey: string): string {
    return `${this.keys.tag(shardOf(commentKey, this.options.shards))}:ir:${commentKey}`;
  }

  async raise(incidentId: string, members: readonly string[]): Promise<Map<RaiseOutcome, number>> {
    const counts = new Map<RaiseOutcome, number>();
    if (this.options.steps <= 0 || members.length === 0) return counts;
    const fn = (this.redis as unknown as { incidentRaise: RaiseFn }).incidentRaise.bind(this.redis);
    const outcomes = await Promise.all(
      members.map((key) => {
        const shard = shardOf(key, this.options.shards);
        return fn(
          this.keys.record(shard, key),
          this.keys.counters(shard),
          this.markerKey(key),
          key,
          this.options.steps,
          this.options.markerTtlSeconds,
          incidentId,
        );
      }),
    );
    for (const [outcome] of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    return counts;
  }
}

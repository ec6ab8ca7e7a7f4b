/**
 * Raises the SLA priority of an open incident's members (docs/incidents.md#consequences), one
 * `incident_raise.lua` call per member on the member's SLA shard: idempotent per comment, so the
 * incident service may repeat it after any crash.
 *
 * Under the appeal lifecycle (`lifecycle`: the SLA store's, given the policy) the raise is the
 * lifecycle's (appeal-lifecycle.ts `raise`): read, decide, write under the appeal's fingerprint, so the
 * state's subject says the raised priority, every running target is re-planned at it and its gauges move
 * once. The script's own raise rewrote the first-reply record alone: a later step re-planned the record
 * from the state's old priority and closed it in the old bucket (`open` of the raised priority left at
 * +1, the old one at -1). The raise goes first and the marker after, so a crash between them repeats
 * the raise (DUPLICATE by the state's `seen`) rather than skip it.
 */
import type { Cluster, Redis } from 'ioredis';
import { shardOf } from '../../../core/sla/shard.js';
import { SlaKeys } from '../keys.js';
import { loadLuaScript } from '../lua-loader.js';
import type { AppealLifecycle } from '../store/appeal-lifecycle.js';

export type RaiseOutcome = 'RAISED' | 'DUPLICATE' | 'NOT_OPEN' | 'AT_TOP';

type RaiseFn = (...args: (string | number)[]) => Promise<[RaiseOutcome | 'MARKED', string, string]>;

export class PriorityRaiser {
  private readonly keys: SlaKeys;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly options: {
      prefix: string;
      shards: number;
      steps: number;
      markerTtlSeconds: number;
      /** The SLA store's appeal lifecycle, when it keeps one (SlaStore.lifecycle). */
      lifecycle?: AppealLifecycle | null;
    },
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
    const { steps, lifecycle } = this.options;
    if (steps <= 0 || members.length === 0) return counts;
    const fn = (this.redis as unknown as { incidentRaise: RaiseFn }).incidentRaise.bind(this.redis);
    const script = (key: string, shard: number, raise: boolean) =>
      fn(
        this.keys.record(shard, key),
        this.keys.counters(shard),
        this.markerKey(key),
        key,
        steps,
        this.options.markerTtlSeconds,
        incidentId,
        raise ? '1' : '0',
      );
    const outcomes = await Promise.all(
      members.map(async (key): Promise<RaiseOutcome> => {
        const shard = shardOf(key, this.options.shards);
        if (!lifecycle) return (await script(key, shard, true))[0] as RaiseOutcome;
        if ((await this.redis.exists(this.markerKey(key))) === 1) return 'DUPLICATE';
        const raised = await lifecycle.raise({ commentKey: key, shard, steps });
        // The marker alone now; DUPLICATE if a repeat running at the same time set it first (the one
        // whose write landed still says RAISED).
        const [marked] = await script(key, shard, false);
        return marked === 'DUPLICATE' && raised !== 'RAISED' ? 'DUPLICATE' : raised;
      }),
    );
    for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    return counts;
  }
}

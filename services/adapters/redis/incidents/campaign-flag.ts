/**
 * Flags a campaign's members and, by default, cancels their first-reply SLA
 * (docs/incidents.md#consequences): one `incident_campaign.lua` call per member on the member's SLA
 * shard, idempotent per comment (the flag key), so the incident service may repeat it after any crash.
 *
 * Under the appeal lifecycle (`lifecycle`: the SLA store's, given the policy) the cancel is the
 * lifecycle's delete (core/sla/appeal.ts: every running target of the appeal ends, counted `cancelled`
 * once, the appeal's state says CANCELLED), written under the appeal's fingerprint like every other
 * step; the script then only sets the flag. The script's own cancel closes the first-reply record alone
 * and leaves a lifecycle state saying OPEN: a later reply or action on it would count the cancelled
 * appeal a second time, or plan its record again. The cancel goes first and the flag after, so a crash
 * between them repeats the cancel (DUPLICATE, nothing counted twice) rather than skip it.
 */
import type { Cluster, Redis } from 'ioredis';
import { shardOf } from '../../../core/sla/shard.js';
import { SlaKeys } from '../keys.js';
import { loadLuaScript } from '../lua-loader.js';
import type { AppealLifecycle } from '../store/appeal-lifecycle.js';

export type CampaignOutcome = 'FLAGGED' | 'CANCELLED' | 'DELETED_EARLY' | 'NOT_OPEN' | 'DUPLICATE';

type FlagFn = (...args: (string | number)[]) => Promise<CampaignOutcome>;

export class CampaignFlagger {
  private readonly keys: SlaKeys;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly options: {
      prefix: string;
      shards: number;
      cancelSla: boolean;
      retentionMs: number;
      /** The SLA store's appeal lifecycle, when it keeps one (SlaStore.lifecycle). */
      lifecycle?: AppealLifecycle | null;
    },
  ) {
    this.keys = new SlaKeys(options.prefix);
    if (!('incidentCampaign' in redis))
      redis.defineCommand('incidentCampaign', { numberOfKeys: 9, lua: loadLuaScript('incident_campaign') });
  }

  async flag(campaignId: string, members: readonly string[]): Promise<Map<CampaignOutcome, number>> {
    const counts = new Map<CampaignOutcome, number>();
    if (members.length === 0) return counts;
    const fn = (this.redis as unknown as { incidentCampaign: FlagFn }).incidentCampaign.bind(this.redis);
    const { keys } = this;
    const script = (key: string, shard: number, cancel: boolean) =>
      fn(
        keys.due(shard),
        keys.late(shard),
        keys.lease(shard),
        keys.counters(shard),
        keys.daily(shard),
        keys.soon(shard),
        keys.record(shard, key),
        keys.finished(shard, key),
        campaignFlagKey(keys, shard, key),
        key,
        cancel ? '1' : '0',
        this.options.retentionMs,
        campaignId,
      );
    const { lifecycle, cancelSla } = this.options;
    const outcomes = await Promise.all(
      members.map(async (key): Promise<CampaignOutcome> => {
        const shard = shardOf(key, this.options.shards);
        if (!cancelSla || !lifecycle) return script(key, shard, cancelSla);
        if ((await this.redis.exists(campaignFlagKey(keys, shard, key))) === 1) return 'DUPLICATE';
        const cancelled = await lifecycle.cancel({ kind: 'cancel', commentKey: key, shard });
        // The flag alone now; DUPLICATE if a repeat running at the same time set it first.
        if ((await script(key, shard, false)) === 'DUPLICATE') return 'DUPLICATE';
        if (cancelled === 'CANCELLED' || cancelled === 'DELETED_EARLY') return cancelled;
        return 'NOT_OPEN';
      }),
    );
    for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    return counts;
  }
}

/** The flag that says a comment is a campaign's member (holds the campaign id), in its SLA shard. */
export function campaignFlagKey(keys: SlaKeys, shard: number, commentKey: string): string {
  return `${keys.tag(shard)}:ic:${commentKey}`;
}

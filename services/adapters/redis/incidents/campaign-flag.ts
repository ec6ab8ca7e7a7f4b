/**
 * Flags a campaign's members and, by default, cancels their first-reply SLA
 * (docs/incidents.md#consequences): one `incident_campaign.lua` call per member on the member's SLA
 * shard, idempotent per comment (the flag key), so the incident service may repeat it after any crash.
 */
import type { Cluster, Redis } from 'ioredis';
import { shardOf } from '../../../core/sla/shard.js';
import { SlaKeys } from '../keys.js';
import { loadLuaScript } from '../lua-loader.js';

export type CampaignOutcome = 'FLAGGED' | 'CANCELLED' | 'DELETED_EARLY' | 'NOT_OPEN' | 'DUPLICATE';

type FlagFn = (...args: (string | number)[]) => Promise<CampaignOutcome>;

export class CampaignFlagger {
  private readonly keys: SlaKeys;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly options: { prefix: string; shards: number; cancelSla: boolean; retentionMs: number },
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
    const outcomes = await Promise.all(
      members.map((key) => {
        const shard = shardOf(key, this.options.shards);
        return fn(
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
          this.options.cancelSla ? '1' : '0',
          this.options.retentionMs,
          campaignId,
        );
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

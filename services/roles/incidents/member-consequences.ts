import type { CampaignFlagger, CampaignOutcome } from '../../adapters/redis/incidents/campaign-flag.js';
import type { PriorityRaiser } from '../../adapters/redis/incidents/priority-raise.js';
import { consequencesOf } from '../../core/incidents/consequences.js';
import type { QueuedEvent } from './shard-runner.js';

export interface MemberConsequences {
  raiser?: PriorityRaiser;
  campaigns?: CampaignFlagger;
  onCampaignFlags?: (outcomes: Map<CampaignOutcome, number>) => void;
}

/**
 * A shard runner's `beforePublish` (docs/incidents.md#consequences): what the events mean for their
 * members' SLAs happens before the events leave, so a crash in between repeats both, and both are
 * idempotent per comment. Undefined when there is nothing to do.
 */
export function memberConsequences(
  options: MemberConsequences,
): ((events: QueuedEvent[]) => Promise<void>) | undefined {
  const { raiser, campaigns, onCampaignFlags } = options;
  if (raiser === undefined && campaigns === undefined) return undefined;
  return async (events) => {
    for (const c of consequencesOf(events)) {
      if (c.action === 'raise') await raiser?.raise(c.incidentId, c.members);
      else if (campaigns !== undefined) {
        // Not `onCampaignFlags?.(await ...)`: an absent callback would skip the flagging with it.
        const outcomes = await campaigns.flag(c.incidentId, c.members);
        onCampaignFlags?.(outcomes);
      }
    }
  };
}

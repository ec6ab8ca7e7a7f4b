import type { Cluster, Redis } from 'ioredis';
import { IncidentStore } from '../../adapters/redis/incidents/incident-store.js';
import { memberStates } from '../../adapters/redis/incidents/member-states.js';
import type { OpenIncident } from '../../core/incidents/book.js';
import { openIncidents } from '../../roles/incidents/open-incidents.js';
import { regionName } from './labels.js';

/** Members listed per incident on the board (the unanswered first). */
const MEMBERS_SHOWN = 30;

export interface BoardIncident extends OpenIncident {
  regionName: string;
  /** Members whose first-reply SLA is still open. */
  unanswered: number;
  /** Members flagged as a campaign's (their SLA cancelled, unless the service keeps campaign SLAs). */
  flagged: number;
  /**
   * Up to MEMBERS_SHOWN member comment keys, the unanswered first, each with whether it is and its
   * link (from its open SLA record: null once answered).
   */
  members: { key: string; unanswered: boolean; url: string | null }[];
}

/**
 * The board's «Инциденты» panel: the open incidents of every detector shard (docs/incidents.md), each
 * with its members and how many still wait for a reply. Reads within `cacheMs` share one result.
 */
export class IncidentSource {
  private readonly store: IncidentStore;
  private cached: { at: number; value: Promise<BoardIncident[]> } | undefined;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly options: { prefix: string; slaShards: number; incidentShards: number; cacheMs: number },
  ) {
    this.store = new IncidentStore(redis, options.prefix);
  }

  read(): Promise<BoardIncident[]> {
    if (this.cached && Date.now() - this.cached.at < this.options.cacheMs) return this.cached.value;
    const entry = { at: Date.now(), value: this.readNow() };
    this.cached = entry;
    entry.value.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return entry.value;
  }

  private async readNow(): Promise<BoardIncident[]> {
    const { prefix, slaShards, incidentShards } = this.options;
    const out: BoardIncident[] = [];
    for (let shard = 0; shard < incidentShards; shard++) {
      for (const open of await openIncidents(this.store, incidentShards, shard)) {
        const members = (await this.store.members(shard, open.incident_id)).sort();
        const states = await memberStates(this.redis, { prefix, shards: slaShards }, members);
        const listed = [...states.filter((m) => m.open), ...states.filter((m) => !m.open)];
        out.push({
          ...open,
          regionName: regionName(open.region),
          unanswered: states.filter((m) => m.open).length,
          flagged: states.filter((m) => m.campaign !== null).length,
          members: listed
            .slice(0, MEMBERS_SHOWN)
            .map((m) => ({ key: m.key, unanswered: m.open, url: m.url })),
        });
      }
    }
    return out.sort((a, b) => b.updated_at - a.updated_at || a.incident_id.localeCompare(b.incident_id));
  }
}

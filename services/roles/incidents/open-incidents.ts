import type { IncidentStore } from '../../adapters/redis/incidents/incident-store.js';
import type { OpenIncident } from '../../core/incidents/book.js';

/** Every detector shard's open incidents, newest activity first (the board, the CLI, the metric). */
export async function openIncidents(
  store: IncidentStore,
  shards: number,
  only?: number,
): Promise<OpenIncident[]> {
  const all: OpenIncident[] = [];
  for (let shard = 0; shard < shards; shard++)
    if (only === undefined || shard === only)
      for (const summary of (await store.openIncidents(shard)).values())
        all.push(JSON.parse(summary) as OpenIncident);
  return all.sort((a, b) => b.updated_at - a.updated_at || (a.incident_id < b.incident_id ? -1 : 1));
}

export async function openIncidentCounts(
  store: IncidentStore,
  shards: number,
): Promise<{ incident: number; campaign: number }> {
  const counts = { incident: 0, campaign: 0 };
  for (const open of await openIncidents(store, shards)) counts[open.type]++;
  return counts;
}

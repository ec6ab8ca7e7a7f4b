import type { IncidentType } from './types.js';

/** What the incident service does to its members' SLAs before publishing an event (docs/incidents.md#consequences). */
export type Consequence =
  | { action: 'raise'; incidentId: string; members: string[] }
  | { action: 'campaign'; incidentId: string; members: string[] };

/**
 * An incident's members are raised (problems to answer first; how many steps, 0 for none, is the
 * raiser's setting); a campaign's are flagged, never raised (a campaign is not a problem to answer
 * first), and whether their SLA is cancelled is the flagger's setting. One consequence per event with members, in the
 * events' order; an event without members (CLOSED) has none.
 */
export function consequencesOf(
  events: readonly { incidentId: string; type: IncidentType; members: readonly string[] }[],
): Consequence[] {
  const out: Consequence[] = [];
  for (const e of events) {
    if (e.members.length === 0) continue;
    if (e.type === 'campaign')
      out.push({ action: 'campaign', incidentId: e.incidentId, members: [...e.members] });
    else out.push({ action: 'raise', incidentId: e.incidentId, members: [...e.members] });
  }
  return out;
}

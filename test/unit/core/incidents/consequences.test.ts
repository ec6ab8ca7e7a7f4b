/** What the incident service does to members' SLAs: incidents raise, campaigns flag, CLOSED nothing. */
import { describe, expect, it } from 'vitest';
import { consequencesOf } from '../../../../services/core/incidents/consequences.js';
import { createIncidentMetrics } from '../../../../services/roles/incidents/incident-metrics.js';

describe('incident consequences', () => {
  it('raises an incident’s members, flags a campaign’s, and never both', () => {
    const plan = consequencesOf([
      { incidentId: 'i1', type: 'incident', members: ['VK:1', 'VK:2'] },
      { incidentId: 'c1', type: 'campaign', members: ['VK:3', 'OK:4'] },
      { incidentId: 'c1', type: 'campaign', members: ['VK:5'] },
      { incidentId: 'i1', type: 'incident', members: [] },
    ]);
    expect(plan).toEqual([
      { action: 'raise', incidentId: 'i1', members: ['VK:1', 'VK:2'] },
      { action: 'campaign', incidentId: 'c1', members: ['VK:3', 'OK:4'] },
      { action: 'campaign', incidentId: 'c1', members: ['VK:5'] },
    ]);
    const raised = new Set(plan.filter((c) => c.action === 'raise').flatMap((c) => c.members));
    const flagged = plan.filter((c) => c.action === 'campaign').flatMap((c) => c.members);
    expect(flagged.some((m) => raised.has(m))).toBe(false);
  });

  it('counts flagged members by outcome, repeats left out', async () => {
    const metrics = createIncidentMetrics(async () => ({ incident: 0, campaign: 1 }));
    metrics.campaignFlags(
      new Map([
        ['CANCELLED', 3],
        ['DELETED_EARLY', 1],
        ['DUPLICATE', 7],
      ]),
    );
    const text = await metrics.registry.metrics();
    expect(text).toContain('otklik_incident_campaign_members_total{outcome="CANCELLED"} 3');
    expect(text).toContain('otklik_incident_campaign_members_total{outcome="DELETED_EARLY"} 1');
    expect(text).not.toContain('outcome="DUPLICATE"');
  });
});

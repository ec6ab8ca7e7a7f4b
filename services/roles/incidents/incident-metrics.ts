import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { IncidentEvent } from '../../core/contracts/index.js';

/** What the incident service exports on /metrics (the Grafana dashboard's «Incidents» row). */
export function createIncidentMetrics(readOpen: () => Promise<{ incident: number; campaign: number }>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const published = new Counter({
    name: 'otklik_incident_events_total',
    help: 'Incident events this process published, by kind and type.',
    labelNames: ['kind', 'type'],
    registers: [registry],
  });
  const flags = new Counter({
    name: 'otklik_incident_campaign_members_total',
    help: 'Campaign members flagged by this process, by what became of their SLA (CANCELLED, DELETED_EARLY: none opens; FLAGGED: kept open; NOT_OPEN: already closed).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'otklik_incidents_open',
    help: 'Incidents and campaigns open now (every detector shard, read from Redis at each scrape).',
    labelNames: ['type'],
    registers: [registry],
    async collect() {
      const counts = await readOpen();
      for (const [type, n] of Object.entries(counts)) this.set({ type }, n);
    },
  });
  return {
    registry,
    published: (events: readonly IncidentEvent[]) => {
      for (const e of events) published.inc({ kind: e.kind, type: e.type });
    },
    campaignFlags: (outcomes: ReadonlyMap<string, number>) => {
      for (const [outcome, n] of outcomes) if (outcome !== 'DUPLICATE') flags.inc({ outcome }, n);
    },
  };
}

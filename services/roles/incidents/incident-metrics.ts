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
  };
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createMetrics } from '../../../../services/runtime/observability/metrics.js';
import { createOpsMetrics } from '../../../../services/apps/ops/metrics.js';
import { createIncidentMetrics } from '../../../../services/roles/incidents/incident-metrics.js';
import { metricNamesOf } from './promql-names.js';

const DASHBOARD = 'ops/grafana/dashboards/otklik.json';

interface Panel {
  title?: string;
  type: string;
  datasource?: { uid?: string };
  targets?: { expr?: string }[];
  panels?: Panel[];
}

function exprsOf(panels: Panel[]): { panel: string; expr: string }[] {
  return panels.flatMap((p) => [
    ...(p.targets ?? []).flatMap((t) => (t.expr ? [{ panel: p.title ?? '?', expr: t.expr }] : [])),
    ...exprsOf(p.panels ?? []),
  ]);
}

/** Names a scrape of the services can contain: histograms also as _bucket, _sum and _count. */
async function exportedNames(): Promise<Set<string>> {
  const registries = [
    createMetrics({ readOpenSlas: async () => 0 }).registry,
    createOpsMetrics().registry,
    createIncidentMetrics(async () => ({ incident: 0, campaign: 0 })).registry,
  ];
  const names = new Set<string>();
  for (const registry of registries) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram') {
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
      }
    }
  }
  return names;
}

describe('Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    uid: string;
    panels: Panel[];
    templating: { list: { query?: string | { query?: string } }[] };
  };

  it('queries only metrics the services export', async () => {
    const exported = await exportedNames();
    const exprs = exprsOf(dashboard.panels);
    const templated = dashboard.templating.list.flatMap((v) => {
      const q = typeof v.query === 'string' ? v.query : v.query?.query;
      return q ? [{ panel: 'templating', expr: q }] : [];
    });
    expect(exprs.length).toBeGreaterThan(10);
    const unknown = [...exprs, ...templated].flatMap(({ panel, expr }) =>
      metricNamesOf(expr)
        .filter((name) => !exported.has(name))
        .map((name) => `${panel}: ${name}`),
    );
    expect(unknown).toEqual([]);
    // Every metric the workers export that an operator acts on is on the dashboard.
    const queried = new Set(exprs.flatMap(({ expr }) => metricNamesOf(expr)));
    for (const name of [
      'otklik_sla_open',
      'otklik_alerts_published_total',
      'otklik_consumer_lag',
      'otklik_messages_dead_lettered_total',
      'otklik_ops_read_duration_seconds_bucket',
      'otklik_incidents_open',
    ]) {
      expect(queried).toContain(name);
    }
  });

  it('uses the provisioned datasource, and Prometheus scrapes the port the workers serve', () => {
    const datasources = parseYaml(
      readFileSync('ops/grafana/provisioning/datasources/prometheus.yml', 'utf8'),
    ) as {
      datasources: { uid: string }[];
    };
    const uid = datasources.datasources[0]?.uid;
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(panels.every((p) => p.datasource?.uid === uid)).toBe(true);
    const prometheus = readFileSync('ops/prometheus/prometheus.yml', 'utf8');
    expect(prometheus).toMatch(/port: 9464/);
    expect(prometheus).toMatch(/targets: \['ops:8080'\]/);
    const compose = parseYaml(readFileSync('docker-compose.yml', 'utf8')) as {
      services: Record<string, { volumes?: string[] }>;
    };
    expect(compose.services.prometheus?.volumes).toContain(
      './ops/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
    expect(compose.services.grafana?.volumes).toContain(
      './ops/grafana/dashboards:/var/lib/grafana/dashboards:ro',
    );
  });
});

describe('metricNamesOf', () => {
  it('finds metric names and nothing else', () => {
    expect(
      metricNamesOf(
        'histogram_quantile(0.99, sum by (le, operation) (rate(otklik_redis_latency_seconds_bucket{job="otklik", le!~"1e3"}[$__rate_interval]))) * 1e3',
      ),
    ).toEqual(['otklik_redis_latency_seconds_bucket']);
    expect(metricNamesOf('sum(a_total) / on (instance) group_left (x) b_total offset 5m > bool 0')).toEqual([
      'a_total',
      'b_total',
    ]);
    expect(metricNamesOf('max without (instance) (not_exported_metric)')).toEqual(['not_exported_metric']);
  });
});

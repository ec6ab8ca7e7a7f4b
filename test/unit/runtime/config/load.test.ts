import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, taxonomyRoutingOf } from '../../../../services/runtime/config/load.js';
import { TaxonomyRouter } from '../../../../services/core/classifier/taxonomy.js';

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'otklik-config-')), 'otklik.yaml');
  writeFileSync(file, yaml);
  return file;
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has working defaults with no environment and no file', () => {
    const config = loadConfig({});
    expect(config.env.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.env.OTKLIK_TOPIC_ALERTS).toBe('otklik.sla-alerts.v1');
    expect(config.runtime.limits.maxTextBytes).toBe(65536);
    expect(config.sla.targets.critical).toBe(3_600_000);
  });

  it('names every bad variable and says what is wrong, all at once', () => {
    const problems = problemsOf({ KAFKA_BROKERS: 'localhost', REDIS_URL: 'http://x', OTKLIK_SHARDS: '0' });
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('KAFKA_BROKERS:'))).toMatch(/host:port/);
    expect(problems.find((p) => p.startsWith('REDIS_URL:'))).toMatch(/redis:\/\//);
    expect(problems.find((p) => p.startsWith('OTKLIK_SHARDS:'))).toBeDefined();
  });

  it('takes a Redis Cluster as nodes, alone, on database 0', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7000' }).env.REDIS_CLUSTER_NODES).toBe(
      '10.0.0.1:7000, 10.0.0.2:7000',
    );
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'redis://10.0.0.1:7000' })[0]).toMatch(
      /^REDIS_CLUSTER_NODES: must be host:port, comma-separated/,
    );
    expect(problemsOf({ REDIS_CLUSTER_NODES: '10.0.0.1:7000', REDIS_SENTINELS: '10.0.0.1:26379' })).toEqual([
      'REDIS_CLUSTER_NODES: set REDIS_CLUSTER_NODES (a Redis Cluster) or REDIS_SENTINELS (one master), not both',
    ]);
    expect(
      problemsOf({ REDIS_CLUSTER_NODES: '10.0.0.1:7000', REDIS_URL: 'redis://:pw@x:6379/2' })[0],
    ).toMatch(/^REDIS_URL: a Redis Cluster has database 0 only/);
  });

  it('reports problems in the config file with its path and the key', () => {
    const file = configFile('sla:\n  targets:\n    critical: soon\nsweeper:\n  leaseMs: -1\n  typo: 1\n');
    const problems = problemsOf({ OTKLIK_CONFIG: file });
    expect(problems.some((p) => p.startsWith(`${file}: sla.targets.critical`))).toBe(true);
    expect(problems.some((p) => p.startsWith(`${file}: sweeper.leaseMs`))).toBe(true);
    expect(problems.some((p) => p.includes('typo'))).toBe(true);
  });

  it('reads how much of a text the classifier reads: 16 KiB by default, 1 KiB to 1 MiB', () => {
    expect(loadConfig({}).runtime.classifier.maxTextBytes).toBe(16 * 1024);
    const file = configFile('classifier:\n  maxTextBytes: 4096\n');
    expect(loadConfig({ OTKLIK_CONFIG: file }).runtime.classifier.maxTextBytes).toBe(4096);
    for (const bad of ['0', '100', '2000000', '1500.5', 'lots']) {
      const problems = problemsOf({ OTKLIK_CONFIG: configFile(`classifier:\n  maxTextBytes: ${bad}\n`) });
      expect(problems.some((p) => p.includes('classifier.maxTextBytes'))).toBe(true);
    }
  });

  it('reads the routing taxonomies: St Petersburg and Kursk by default, own ones checked', () => {
    const routing = taxonomyRoutingOf(loadConfig({}).runtime);
    expect(routing.regions).toEqual({ '78': 'spb-gorod', '46': 'kursk-appeals' });
    expect(routing.defaultTaxonomy).toBe('full');
    const file = configFile(
      [
        'classifier:',
        '  taxonomies:',
        '    named:',
        '      yards: [urban_improvement, roads_transport]',
        '    regions:',
        "      '54': yards",
        '    pages:',
        "      'page-1': full",
      ].join('\n') + '\n',
    );
    const own = new TaxonomyRouter(taxonomyRoutingOf(loadConfig({ OTKLIK_CONFIG: file }).runtime));
    expect(own.of({ region: '54' }).name).toBe('yards');
    expect(own.of({ region: '54', pageId: 'page-1' }).name).toBe('full');
    // Writing `regions` replaces the shipped map.
    expect(own.of({ region: '78' }).name).toBe('full');
    const bad = configFile(
      "classifier:\n  taxonomies:\n    named:\n      roads: [roads_transport]\n    regions:\n      '78': nope\n",
    );
    const problems = problemsOf({ OTKLIK_CONFIG: bad });
    expect(problems.some((p) => p.includes('taxonomy roads: must include urban_improvement'))).toBe(true);
    expect(problems.some((p) => p.includes('region 78: no taxonomy named nope'))).toBe(true);
    const unknown = configFile(
      'classifier:\n  taxonomies:\n    named:\n      x: [urban_improvement, weather]\n',
    );
    expect(
      problemsOf({ OTKLIK_CONFIG: unknown }).some((p) => p.includes('classifier.taxonomies.named.x')),
    ).toBe(true);
  });

  it('says so when the config file is missing or not YAML', () => {
    expect(problemsOf({ OTKLIK_CONFIG: '/nonexistent/otklik.yaml' })[0]).toMatch(
      /^OTKLIK_CONFIG: cannot read/,
    );
    expect(problemsOf({ OTKLIK_CONFIG: configFile('sla: [unclosed') })[0]).toMatch(/not valid YAML/);
  });

  it('loads the shipped example and demo files', () => {
    expect(loadConfig({ OTKLIK_CONFIG: 'config/otklik.example.yaml' }).sla).toBeDefined();
    expect(loadConfig({ OTKLIK_CONFIG: 'config/demo.yaml' }).sla.targets.critical).toBe(10_000);
  });
});

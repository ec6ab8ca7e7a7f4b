import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigMap, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { render, readYamlDocuments, type Manifest } from '../../../scripts/k8s-render.js';
import { envSchema } from '../../../services/runtime/config/env.js';
import { loadConfig } from '../../../services/runtime/config/load.js';
import { loadOpsConfig, opsEnvSchema } from '../../../services/apps/ops/config.js';
import { REPO_ROOT } from '../../../services/runtime/launch.js';

// No cluster and no kustomize here: scripts/k8s-render.ts renders the base and each overlay, the
// Kubernetes models (kubernetes-models, @kubernetes-models/keda: the OpenAPI schemas of the API and of
// KEDA's CRD) validate every object, and our own rules follow.
const K8S = join(REPO_ROOT, 'deploy', 'k8s');
const TARGETS = ['base', ...readdirSync(join(K8S, 'overlays')).map((o) => join('overlays', o))];
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
const ACCEPTED_ENV = new Set([...Object.keys(envSchema.shape), ...Object.keys(opsEnvSchema.shape)]);

const MODELS: Record<string, new (m: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

interface Probe {
  httpGet?: { path?: string; port?: string | number; httpHeaders?: { name: string; value: string }[] };
}
interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean };
}

const deployments = (ms: Manifest[]) => ms.filter((m) => m.kind === 'Deployment');
const podOf = (d: Manifest) =>
  (d.spec as { template: { spec: PodSpec; metadata: { labels: Record<string, string> } } }).template;
const one = (ms: Manifest[], kind: string, name: string) => {
  const found = ms.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

const scratch = mkdtempSync(join(tmpdir(), 'otklik-k8s-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the kustomize base lists every manifest in its folder', () => {
  it('has no file it does not apply', () => {
    const listed = readYamlDocuments(join(K8S, 'base', 'kustomization.yaml'))[0] as unknown as {
      resources: string[];
    };
    const files = readdirSync(join(K8S, 'base')).filter(
      (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
    );
    expect([...listed.resources].sort()).toEqual(files.sort());
  });
});

describe.each(TARGETS)('Kubernetes manifests: %s', (target) => {
  const manifests = render(join(K8S, target));
  const config = one(manifests, 'ConfigMap', 'otklik-config').data as Record<string, string>;
  const secret = one(manifests, 'Secret', 'otklik-secrets').stringData as Record<string, string>;

  it('every object is valid against its Kubernetes (or KEDA) schema', () => {
    for (const m of manifests) {
      const Model = MODELS[`${m.apiVersion}/${m.kind}`];
      expect(Model, `${m.apiVersion} ${m.kind} has no model here`).toBeDefined();
      expect(() => new Model!(m as never).validate(), `${m.kind} ${m.metadata.name}`).not.toThrow();
    }
  });

  it('every role runs: worker, sweeper, incidents, analytics and the ops board', () => {
    const roles = deployments(manifests).map((d) => podOf(d).metadata.labels['app.kubernetes.io/component']);
    expect(roles.sort()).toEqual(['analytics', 'incidents', 'ops', 'sweeper', 'worker']);
  });

  it('every container has probes on /healthz and /readyz, resources, a released tag, and runs non-root', () => {
    for (const d of deployments(manifests)) {
      const pod = podOf(d).spec;
      expect(pod.securityContext?.runAsNonRoot, d.metadata.name).toBe(true);
      for (const c of pod.containers) {
        const where = `${d.metadata.name}/${c.name}`;
        expect(c.livenessProbe?.httpGet?.path, where).toBe('/healthz');
        expect(c.readinessProbe?.httpGet?.path, where).toBe('/readyz');
        const portNames = (c.ports ?? []).map((p) => p.name);
        expect(portNames, where).toContain(c.livenessProbe?.httpGet?.port);
        for (const kind of ['requests', 'limits'] as const) {
          expect(c.resources?.[kind]?.cpu, `${where} ${kind}.cpu`).toBeDefined();
          expect(c.resources?.[kind]?.memory, `${where} ${kind}.memory`).toBeDefined();
        }
        // A tag, never latest: the release's version (CHANGELOG.md), so a rollout is a version change.
        expect(c.image, where).toMatch(/^[^:]+(:\d[^:]*)$/);
        expect(c.image.endsWith(':latest'), where).toBe(false);
        expect(c.image.split(':').pop(), where).toBe(VERSION);
      }
    }
  });

  it('every env name is one the config validator accepts, and the values pass it', () => {
    const names = [
      ...Object.keys(config).filter((k) => k !== 'otklik.yaml'),
      ...Object.keys(secret),
      ...deployments(manifests).flatMap((d) =>
        podOf(d).spec.containers.flatMap((c) => (c.env ?? []).map((e) => e.name)),
      ),
    ];
    expect(names.filter((n) => !ACCEPTED_ENV.has(n))).toEqual([]);
    // The roles' configuration as a pod sees it (the file mounted at OTKLIK_CONFIG), validated in full.
    const file = join(scratch, `${target.replace(/\W/g, '-')}.yaml`);
    writeFileSync(file, config['otklik.yaml'] ?? '');
    const env = { ...config, ...secret, OTKLIK_CONFIG: file };
    expect(() => loadConfig(env)).not.toThrow();
    const opsEnv = Object.fromEntries(
      (
        one(manifests, 'Deployment', 'otklik-ops') &&
        podOf(one(manifests, 'Deployment', 'otklik-ops')).spec.containers[0]!.env!
      )
        .filter((e) => e.value !== undefined)
        .map((e) => [e.name, e.value as string]),
    );
    expect(() => loadOpsConfig({ ...env, ...opsEnv })).not.toThrow();
  });

  it('the worker scales by consumer lag on its topic, capped at the partition count', () => {
    const so = one(manifests, 'ScaledObject', 'otklik-worker').spec as {
      scaleTargetRef: { name: string };
      maxReplicaCount: number;
      minReplicaCount: number;
      triggers: { type: string; metadata: Record<string, string> }[];
    };
    expect(so.scaleTargetRef.name).toBe('otklik-worker');
    expect(so.maxReplicaCount).toBe(Number(config.OTKLIK_TOPIC_PARTITIONS));
    expect(so.minReplicaCount).toBeGreaterThanOrEqual(1);
    const [kafka] = so.triggers;
    expect(kafka?.type).toBe('kafka');
    expect(Number(kafka?.metadata.lagThreshold)).toBeGreaterThan(0);
    expect(kafka?.metadata.consumerGroup).toBe(config.OTKLIK_GROUP_ID);
    expect(kafka?.metadata.topic).toBe(config.OTKLIK_TOPIC_COMMENTS);
    expect(kafka?.metadata.bootstrapServers).toBe(config.KAFKA_BROKERS);
  });

  it('the incident service scales by lag up to its detector shards; analytics stays one writer', () => {
    const so = one(manifests, 'ScaledObject', 'otklik-incidents').spec as {
      maxReplicaCount: number;
      triggers: { metadata: Record<string, string> }[];
    };
    expect(so.maxReplicaCount).toBe(Number(config.OTKLIK_INCIDENT_SHARDS));
    expect(so.triggers[0]?.metadata.consumerGroup).toBe(config.OTKLIK_INCIDENTS_GROUP_ID);
    const analytics = one(manifests, 'Deployment', 'otklik-analytics').spec as {
      replicas: number;
      strategy: { type: string };
    };
    expect(analytics.replicas).toBe(1);
    expect(analytics.strategy.type).toBe('Recreate');
    expect(manifests.some((m) => m.kind === 'ScaledObject' && m.metadata.name === 'otklik-analytics')).toBe(
      false,
    );
  });

  it('every Deployment has a PodDisruptionBudget and a drain that fits its grace period', () => {
    const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
    for (const d of deployments(manifests)) {
      const labels = podOf(d).metadata.labels;
      const covered = pdbs.some((p) =>
        selects(
          (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
          labels,
        ),
      );
      expect(covered, d.metadata.name).toBe(true);
      const grace = podOf(d).spec.terminationGracePeriodSeconds ?? 30;
      expect(grace * 1000, d.metadata.name).toBeGreaterThan(Number(config.OTKLIK_SHUTDOWN_TIMEOUT_MS));
    }
  });

  it('the board is behind a Service that selects its pods and port', () => {
    const svc = one(manifests, 'Service', 'otklik-ops').spec as {
      selector: Record<string, string>;
      ports: { targetPort: string }[];
    };
    const ops = podOf(one(manifests, 'Deployment', 'otklik-ops'));
    expect(selects(svc.selector, ops.metadata.labels)).toBe(true);
    expect(ops.spec.containers[0]!.ports!.map((p) => p.name)).toContain(svc.ports[0]!.targetPort);
    // Its /readyz answers only allowed host names: the probe must send one (the kubelet sends the IP).
    const board = ops.spec.containers[0]!;
    const allowed = (board.env ?? []).find((e) => e.name === 'OPS_ALLOWED_HOSTS')?.value?.split(',') ?? [];
    const host = board.readinessProbe?.httpGet?.httpHeaders?.find((h) => h.name === 'Host')?.value;
    expect(allowed).toContain(host);
  });
});

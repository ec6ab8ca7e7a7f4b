/**
 * `npm run k8s:render -- deploy/k8s/overlays/<env>`: what `kubectl kustomize` would print for our
 * manifests, for machines without kustomize (this one) and for the test that checks every manifest
 * (test/unit/deploy/k8s-manifests.test.ts). Only the subset of kustomize our files use: resources
 * (files and directories), `labels` (metadata only), `images` (by name, newName and newTag),
 * `namespace`, and `patches` by path as strategic merges where objects merge and lists of named items
 * merge by name. Anything else in a kustomization.yaml is refused rather than silently ignored.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

interface Kustomization {
  resources?: string[];
  labels?: { pairs: Record<string, string> }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  namespace?: string;
  patches?: { path: string }[];
}

const KNOWN_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'labels', 'images', 'namespace', 'patches']);

export function readYamlDocuments(path: string): Manifest[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => {
    if (doc.errors.length) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS() as Manifest;
  });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A strategic merge of `patch` into `target`, as kustomize does for the fields our patches set. */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (isObject(target) && isObject(patch)) {
    const out: Record<string, unknown> = { ...target };
    for (const [key, value] of Object.entries(patch)) out[key] = strategicMerge(target[key], value);
    return out;
  }
  if (Array.isArray(target) && Array.isArray(patch) && patch.every((p) => isObject(p) && 'name' in p)) {
    const out = [...target] as unknown[];
    for (const item of patch as Record<string, unknown>[]) {
      const at = out.findIndex((t) => isObject(t) && t.name === item.name);
      if (at >= 0) out[at] = strategicMerge(out[at], item);
      else out.push(item);
    }
    return out;
  }
  return patch;
}

function containersOf(m: Manifest): Record<string, unknown>[] {
  const spec = (m.spec as { template?: { spec?: { containers?: Record<string, unknown>[] } } }) ?? {};
  return spec.template?.spec?.containers ?? [];
}

function retag(image: string, rules: NonNullable<Kustomization['images']>): string {
  const at = image.lastIndexOf(':');
  const [name, tag] =
    at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
  const rule = rules.find((r) => r.name === name);
  if (!rule) return image;
  const newTag = rule.newTag ?? tag;
  return `${rule.newName ?? name}${newTag ? `:${newTag}` : ''}`;
}

/** The manifests a kustomization directory stands for, with its transformations applied. */
export function render(dir: string): Manifest[] {
  const k = readYamlDocuments(join(dir, 'kustomization.yaml'))[0] as unknown as Kustomization;
  const unknown = Object.keys(k).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length) throw new Error(`${dir}/kustomization.yaml: not rendered here: ${unknown.join(', ')}`);
  let out = (k.resources ?? []).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? render(path) : readYamlDocuments(path);
  });
  for (const { path } of k.patches ?? []) {
    for (const patch of readYamlDocuments(join(dir, path))) {
      const at = out.findIndex((m) => m.kind === patch.kind && m.metadata.name === patch.metadata.name);
      if (at < 0) throw new Error(`${dir}/${path}: no ${patch.kind} ${patch.metadata.name} to patch`);
      out[at] = strategicMerge(out[at], patch) as Manifest;
    }
  }
  out = out.map((m) => {
    const next = structuredClone(m);
    for (const { pairs } of k.labels ?? []) {
      next.metadata.labels = { ...next.metadata.labels, ...pairs };
    }
    if (k.namespace) next.metadata.namespace = k.namespace;
    for (const container of containersOf(next)) {
      if (typeof container.image === 'string') container.image = retag(container.image, k.images ?? []);
    }
    return next;
  });
  return out;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const dir = process.argv[2] ?? 'deploy/k8s/base';
  process.stdout.write(
    render(dir)
      .map((m) => stringify(m))
      .join('---\n'),
  );
}

/**
 * Helpers over Avro schemas as JSON (the .avsc text), independent of any Avro library: full names of
 * named types, a doc-free canonical text for fingerprints and comparisons.
 */
import { createHash } from 'node:crypto';

export type SchemaJson = string | SchemaJson[] | { [key: string]: unknown };

type SchemaObject = { [key: string]: unknown };

function isObject(node: unknown): node is SchemaObject {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/**
 * JSON text with keys sorted and every `doc` attribute removed (field defaults are copied verbatim, since
 * a record default may have a key called `doc`). Two schemas with the same text decode and resolve the
 * same way; only their documentation may differ.
 */
export function docFreeCanonicalJson(schema: unknown): string {
  return JSON.stringify(stripDocs(schema, false));
}

function stripDocs(node: unknown, verbatim: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => stripDocs(n, verbatim));
  if (!isObject(node)) return node;
  const out: SchemaObject = {};
  for (const key of Object.keys(node).sort()) {
    if (!verbatim && key === 'doc') continue;
    out[key] = stripDocs(node[key], verbatim || key === 'default');
  }
  return out;
}

/** `sha256:<hex>` of the doc-free canonical JSON: what the catalogue records for each released schema. */
export function contractSha256(schema: unknown): string {
  return `sha256:${createHash('sha256').update(docFreeCanonicalJson(schema)).digest('hex')}`;
}

/** The full name (namespace.name) of a named type definition, given the namespace it is nested in. */
export function fullNameOf(node: SchemaObject, enclosingNamespace: string | undefined): string {
  const name = String(node.name);
  if (name.includes('.')) return name;
  const namespace = typeof node.namespace === 'string' ? node.namespace : enclosingNamespace;
  return namespace ? `${namespace}.${name}` : name;
}

/** Every named type (record, enum, fixed) defined anywhere in the schema, by full name. */
export function collectNamedTypes(schema: unknown): Map<string, SchemaObject> {
  const found = new Map<string, SchemaObject>();
  const visit = (node: unknown, namespace: string | undefined): void => {
    if (Array.isArray(node)) {
      node.forEach((n) => visit(n, namespace));
      return;
    }
    if (!isObject(node)) return;
    const type = node.type;
    if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
      const fullName = fullNameOf(node, namespace);
      found.set(fullName, node);
      const inner = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : undefined;
      if (type === 'record' || type === 'error') {
        for (const field of (node.fields as SchemaObject[] | undefined) ?? []) visit(field.type, inner);
      }
      return;
    }
    if (type === 'array') visit(node.items, namespace);
    else if (type === 'map') visit(node.values, namespace);
    else if (isObject(type) || Array.isArray(type)) visit(type, namespace);
  };
  visit(schema, undefined);
  return found;
}

/** Appends `extra` to the symbols of every enum that has no default and makes it the default. */
export function withEnumFallback(schema: unknown, extra: string): unknown {
  if (Array.isArray(schema)) return schema.map((n) => withEnumFallback(n, extra));
  if (!isObject(schema)) return schema;
  const out: SchemaObject = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === 'default' ? value : withEnumFallback(value, extra);
  }
  if (out.type === 'enum' && out.default === undefined) {
    out.symbols = [...(out.symbols as string[]), extra];
    out.default = extra;
  }
  return out;
}

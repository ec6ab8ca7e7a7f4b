/**
 * Schema references (the Confluent protocol Apicurio serves too): a registered schema may name a type
 * (an enum, a nested record) that is defined in another subject's schema. Apicurio's Java serde
 * registers every named type of a record that way. Avro itself needs each named type defined once, at
 * its first use, so the referenced definitions are inlined there. Pure.
 */
import { fullNameOf, type SchemaJson } from './schema-json.js';

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

type SchemaObject = { [key: string]: unknown };

const isObject = (node: unknown): node is SchemaObject =>
  typeof node === 'object' && node !== null && !Array.isArray(node);

function namespaceOf(fullName: string): string | undefined {
  const dot = fullName.lastIndexOf('.');
  return dot > 0 ? fullName.slice(0, dot) : undefined;
}

/** `schema` with each referenced name defined where it is first used; `definitions` by full name. */
export function inlineReferences(
  schema: SchemaJson,
  definitions: ReadonlyMap<string, SchemaJson>,
): SchemaJson {
  if (definitions.size === 0) return schema;
  const defined = new Set<string>();

  const visit = (node: unknown, namespace: string | undefined): unknown => {
    if (typeof node === 'string') {
      if (PRIMITIVES.has(node)) return node;
      const fullName = node.includes('.') || !namespace ? node : `${namespace}.${node}`;
      const definition = definitions.get(fullName) ?? definitions.get(node);
      if (definition === undefined || defined.has(fullName)) return node;
      return visit(definition, undefined);
    }
    if (Array.isArray(node)) return node.map((branch) => visit(branch, namespace));
    if (!isObject(node)) return node;
    const type = node.type;
    if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
      const fullName = fullNameOf(node as Parameters<typeof fullNameOf>[0], namespace);
      defined.add(fullName);
      if (type === 'enum' || type === 'fixed') return node;
      const inner = namespaceOf(fullName);
      const fields = Array.isArray(node.fields) ? (node.fields as unknown[]) : [];
      return {
        ...node,
        fields: fields.map((field) =>
          isObject(field) ? { ...field, type: visit(field.type, inner) } : field,
        ),
      };
    }
    if (type === 'array') return { ...node, items: visit(node.items, namespace) };
    if (type === 'map') return { ...node, values: visit(node.values, namespace) };
    return { ...node, type: visit(type, namespace) };
  };

  return visit(schema, undefined) as SchemaJson;
}

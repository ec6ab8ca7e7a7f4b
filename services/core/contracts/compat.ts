/**
 * Compatibility rules over the catalogue. Every pair of released versions of a subject must resolve both
 * ways (a newer reader reads older data, an older reader reads newer data: FULL_TRANSITIVE in registry
 * terms), enum symbols may only be added, and a released schema may change only its docs.
 */
import type { Type } from 'avsc';
import type { SchemaCatalogue } from './catalogue.js';
import { collectNamedTypes, contractSha256, docFreeCanonicalJson } from './schema-json.js';

/** Why `reader` cannot read data written with `writer` under Avro schema resolution, if it cannot. */
export function resolutionProblem(reader: Type, writer: Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Avro resolution maps a symbol the reader lacks to the enum's default, so a renamed or removed symbol
 * "resolves" and silently changes meaning. A released symbol therefore stays, and so does the default.
 */
export function enumEvolutionProblems(older: unknown, newer: unknown): string[] {
  const problems: string[] = [];
  const newerTypes = collectNamedTypes(newer);
  for (const [name, oldType] of collectNamedTypes(older)) {
    const newType = newerTypes.get(name);
    if (oldType.type !== 'enum' || newType?.type !== 'enum') continue;
    const newSymbols = new Set(newType.symbols as string[]);
    const lost = (oldType.symbols as string[]).filter((s) => !newSymbols.has(s));
    if (lost.length > 0) {
      problems.push(
        `enum ${name} lost symbol(s) ${lost.join(', ')}: symbols may be added, never renamed or removed`,
      );
    }
    if (oldType.default !== undefined && newType.default !== oldType.default) {
      problems.push(
        `enum ${name} changed its default from ${String(oldType.default)} to ${String(newType.default)}`,
      );
    }
  }
  return problems;
}

/** A named type used by several subjects (Platform, CommentEvent, ...) must be defined the same way in each. */
export function sharedTypeProblems(schemas: readonly { label: string; schema: unknown }[]): string[] {
  const seen = new Map<string, { label: string; canonical: string }>();
  const problems: string[] = [];
  for (const { label, schema } of schemas) {
    for (const [name, node] of collectNamedTypes(schema)) {
      const canonical = docFreeCanonicalJson(node);
      const first = seen.get(name);
      if (!first) seen.set(name, { label, canonical });
      else if (first.canonical !== canonical) {
        problems.push(`${name} is defined differently in ${first.label} and ${label}`);
      }
    }
  }
  return problems;
}

/** Every problem in the catalogue; empty when it is sound. */
export function checkCatalogue(catalogue: SchemaCatalogue): string[] {
  const problems: string[] = [];
  for (const entry of catalogue.entries()) {
    const actual = contractSha256(entry.schema);
    if (!entry.sha256) {
      problems.push(
        `${entry.file} (id ${entry.id}) has no sha256 in catalogue.json; at release it is "${actual}"`,
      );
    } else if (actual !== entry.sha256) {
      problems.push(
        `${entry.file} (id ${entry.id}) changed after release: recorded ${entry.sha256}, now ${actual}. ` +
          'Only docs may change; release a new version instead.',
      );
    }
  }
  for (const subject of catalogue.subjects()) {
    const versions = catalogue.versions(subject);
    for (let i = 0; i < versions.length; i++) {
      for (let j = i + 1; j < versions.length; j++) {
        const older = versions[i]!;
        const newer = versions[j]!;
        const label = `${subject} v${older.version} ↔ v${newer.version}`;
        const backward = resolutionProblem(newer.type, older.type);
        if (backward)
          problems.push(`${label}: v${newer.version} cannot read v${older.version} data: ${backward}`);
        const forward = resolutionProblem(older.type, newer.type);
        if (forward)
          problems.push(`${label}: v${older.version} cannot read v${newer.version} data: ${forward}`);
        for (const p of enumEvolutionProblems(older.schema, newer.schema)) problems.push(`${label}: ${p}`);
      }
    }
  }
  problems.push(
    ...sharedTypeProblems(
      catalogue.subjects().map((subject) => {
        const latest = catalogue.latest(subject);
        return { label: `${latest.file}`, schema: latest.schema };
      }),
    ),
  );
  return problems;
}

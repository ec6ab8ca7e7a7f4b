import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSchemasDir } from '../../../../services/core/contracts/check-schemas.js';
import { getDefaultCatalogue, SCHEMAS_DIR, SUBJECTS } from '../../../../services/core/contracts/index.js';
import { collectNamedTypes } from '../../../../services/core/contracts/schema-json.js';

type Node = Record<string, unknown>;

function readSchema(file: string): Node {
  return JSON.parse(readFileSync(join(SCHEMAS_DIR, file), 'utf8')) as Node;
}

describe('the released schemas', () => {
  const catalogue = getDefaultCatalogue();

  it('pass the catalogue and compatibility check', () => {
    expect(checkSchemasDir()).toEqual([]);
  });

  it('embed in ClassifiedComment exactly the standalone CommentEvent, docs included', () => {
    const standalone = catalogue.latest(SUBJECTS.commentEvent).schema;
    const classified = catalogue.latest(SUBJECTS.classifiedComment).schema as Node;
    const field = (classified.fields as Node[]).find((f) => f.name === 'comment');
    expect(field?.type).toEqual(standalone);
  });

  it('define the shared enums (Platform, Category, Priority) identically, docs included', () => {
    const named = catalogue.subjects().map((s) => collectNamedTypes(catalogue.latest(s).schema));
    for (const name of ['otklik.Platform', 'otklik.Category', 'otklik.Priority']) {
      const definitions = named.map((m) => m.get(name)).filter((d) => d !== undefined);
      expect(definitions.length, name).toBeGreaterThanOrEqual(2);
      for (const d of definitions) expect(d, name).toEqual(definitions[0]);
    }
  });

  it('document every named type and every field', () => {
    for (const entry of catalogue.entries()) {
      for (const [name, node] of collectNamedTypes(readSchema(entry.file))) {
        expect(typeof node.doc, `${entry.file}: ${name}`).toBe('string');
        for (const field of (node.fields as Node[] | undefined) ?? []) {
          expect(typeof field.doc, `${entry.file}: ${name}.${String(field.name)}`).toBe('string');
        }
      }
    }
  });

  it('mark every *_at field as timestamp-millis and give every nullable field a null default', () => {
    for (const entry of catalogue.entries()) {
      for (const [name, node] of collectNamedTypes(entry.schema)) {
        for (const field of (node.fields as Node[] | undefined) ?? []) {
          const label = `${entry.file}: ${name}.${String(field.name)}`;
          if (String(field.name).endsWith('_at')) {
            expect(field.type, label).toEqual({ type: 'long', logicalType: 'timestamp-millis' });
          }
          if (Array.isArray(field.type) && field.type.includes('null')) {
            expect(field.type[0], label).toBe('null');
            expect(field.default, label).toBeNull();
          }
        }
      }
    }
  });

  it('generate TypeScript types that are up to date (the latest version of every subject)', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(SCHEMAS_DIR, '..', 'scripts', 'generate-schema-types.ts'), '--check'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('give every enum a default, except those where guessing would be wrong (op, alert kind, incident kind and type, operator action kind, pause reason)', () => {
    const withoutDefault: string[] = [];
    for (const entry of catalogue.entries()) {
      for (const [name, node] of collectNamedTypes(entry.schema)) {
        if (node.type === 'enum' && node.default === undefined) withoutDefault.push(name);
      }
    }
    // An action or a pause reason a reader does not know is dead-lettered, never taken for another.
    expect([...new Set(withoutDefault)].sort()).toEqual([
      'otklik.AlertKind',
      'otklik.CommentOp',
      'otklik.IncidentEventKind',
      'otklik.IncidentType',
      'otklik.OperatorActionKind',
      'otklik.PauseReason',
    ]);
  });
});

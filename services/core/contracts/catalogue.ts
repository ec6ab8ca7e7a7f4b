/**
 * The schema catalogue: every released version of every subject, each with an id that is never reused.
 * Without a Schema Registry these ids are what the wire format carries. Pure: built from parsed JSON;
 * catalogue-files.ts reads schemas/ from disk.
 */
import avro from 'avsc';
import type { Schema, Type } from 'avsc';
import { fullNameOf, type SchemaJson } from './schema-json.js';

/** Subjects are the full names of the top-level records (RecordNameStrategy in registry terms). */
export const SUBJECTS = {
  commentEvent: 'otklik.CommentEvent',
  classifiedComment: 'otklik.ClassifiedComment',
  slaAlert: 'otklik.SlaAlert',
} as const;

/** One line of schemas/catalogue.json. */
export interface CatalogueRecord {
  /** The id written after the magic byte. Unique over the whole catalogue and never reused. */
  id: number;
  subject: string;
  /** 1, 2, 3, ... per subject, no gaps. */
  version: number;
  /** File name under schemas/. */
  file: string;
  /** contractSha256 of the schema at release: a released schema may change its docs, nothing else. */
  sha256: string;
}

export interface CatalogueEntry extends CatalogueRecord {
  schema: SchemaJson;
  type: Type;
}

/** How every Avro type in Otklik is built: numbers for longs and timestamps, plain record objects. */
export function buildAvroType(schema: unknown): Type {
  return avro.Type.forSchema(schema as Schema, { omitRecordMethods: true });
}

export class SchemaCatalogue {
  private readonly byIdMap = new Map<number, CatalogueEntry>();
  private readonly bySubject = new Map<string, CatalogueEntry[]>();

  /** Throws with every problem found when ids, versions or subjects are inconsistent. */
  constructor(entries: readonly (CatalogueRecord & { schema: SchemaJson })[]) {
    const problems: string[] = [];
    for (const record of entries) {
      if (!Number.isInteger(record.id) || record.id < 1 || record.id > 0x7fffffff) {
        problems.push(`id ${record.id} (${record.file}) is not an integer in 1..2^31-1`);
        continue;
      }
      if (this.byIdMap.has(record.id)) {
        problems.push(`id ${record.id} is used twice (${this.byIdMap.get(record.id)?.file}, ${record.file})`);
        continue;
      }
      const schema = record.schema;
      const name =
        typeof schema === 'object' && !Array.isArray(schema) && schema.type === 'record'
          ? fullNameOf(schema, undefined)
          : undefined;
      if (name !== record.subject) {
        problems.push(
          `${record.file}: top-level record is ${name ?? 'not a record'}, subject is ${record.subject}`,
        );
        continue;
      }
      let type: Type;
      try {
        type = buildAvroType(schema);
      } catch (err) {
        problems.push(`${record.file}: not a valid Avro schema: ${(err as Error).message}`);
        continue;
      }
      const entry: CatalogueEntry = { ...record, schema, type };
      this.byIdMap.set(record.id, entry);
      const versions = this.bySubject.get(record.subject) ?? [];
      versions.push(entry);
      this.bySubject.set(record.subject, versions);
    }
    for (const [subject, versions] of this.bySubject) {
      versions.sort((a, b) => a.version - b.version);
      versions.forEach((entry, i) => {
        if (entry.version !== i + 1) {
          problems.push(
            `${subject}: versions must run 1, 2, 3, ... without gaps or repeats; found ${entry.version}`,
          );
        }
      });
    }
    if (problems.length > 0) throw new Error(`schema catalogue is inconsistent:\n  ${problems.join('\n  ')}`);
  }

  byId(id: number): CatalogueEntry | undefined {
    return this.byIdMap.get(id);
  }

  subjects(): string[] {
    return [...this.bySubject.keys()];
  }

  /** Released versions of a subject, oldest first. */
  versions(subject: string): readonly CatalogueEntry[] {
    return this.bySubject.get(subject) ?? [];
  }

  version(subject: string, version: number): CatalogueEntry | undefined {
    return this.versions(subject).find((e) => e.version === version);
  }

  /** The current version of a subject: what this build writes and reads into. */
  latest(subject: string): CatalogueEntry {
    const versions = this.versions(subject);
    const last = versions[versions.length - 1];
    if (!last) throw new Error(`schema catalogue has no subject ${subject}`);
    return last;
  }

  entries(): CatalogueEntry[] {
    return [...this.byIdMap.values()].sort((a, b) => a.id - b.id);
  }
}

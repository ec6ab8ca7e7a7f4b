/**
 * The schemas of a Schema Registry, as a SchemaSource. Pure and in memory: the registry adapter
 * (services/adapters/registry) registers our schemas and fetches unknown ids, and tells this cache what
 * it got; the codecs read from the cache synchronously.
 *
 * - Our own schemas keep their catalogue entry (the same Avro schema) under the id the registry gave.
 * - A fetched id is kept forever (an id never changes in a registry); its subject, as the codec checks
 *   it, is the full name of its top-level record, as in the catalogue (RecordNameStrategy).
 * - An id the registry does not have, or a schema that is not Avro, is remembered as its ContractError
 *   for the life of the process (a restart asks again), so a stream of bad ids costs one request each.
 *
 * A reader of our topics (the ops board, the analytics sink, the CLI, the demo) registers nothing:
 * `RegistrySchemas.forReading(catalogue)` takes every writer schema from the registry by id and reads
 * into the catalogue's versions, so the codecs resolve whatever version a writer registered.
 */
import { buildAvroType, type CatalogueEntry } from './catalogue.js';
import { ContractError } from './errors.js';
import { fullNameOf, type SchemaJson } from './schema-json.js';
import type { SchemaSource } from './schema-source.js';
import { inlineReferences } from './schema-references.js';
import { MAGIC_BYTE, WIRE_HEADER_BYTES } from './wire.js';

/** One of our catalogue versions as the registry holds it. */
export interface RegisteredVersion {
  entry: CatalogueEntry;
  /** The id the registry returned for it. */
  registryId: number;
}

export class RegistrySchemas implements SchemaSource {
  private readonly known = new Map<number, CatalogueEntry | ContractError>();
  private readonly latestBySubject = new Map<string, CatalogueEntry>();
  private readonly bySubjectVersion = new Map<string, CatalogueEntry>();

  /**
   * A reader's schemas: none registered, every writer schema fetched by id; the schemas read into are
   * `readers`' (the carried catalogue's). The readers' ids are never looked up here, so one that equals
   * a registry id of another schema is harmless (codecs compare entries, not ids).
   */
  static forReading(readers: Pick<SchemaSource, 'latest' | 'version'>): RegistrySchemas {
    return new RegistrySchemas([], readers);
  }

  /** `registered`: every catalogue version registered, oldest first per subject. */
  constructor(
    registered: readonly RegisteredVersion[],
    private readonly readers?: Pick<SchemaSource, 'latest' | 'version'>,
  ) {
    for (const { entry, registryId } of registered) {
      const asRegistered: CatalogueEntry = { ...entry, id: registryId };
      this.known.set(registryId, asRegistered);
      this.latestBySubject.set(entry.subject, asRegistered);
      this.bySubjectVersion.set(`${entry.subject}\u0000${entry.version}`, asRegistered);
    }
  }

  byId(id: number): CatalogueEntry | undefined {
    const found = this.known.get(id);
    if (found instanceof ContractError) throw found;
    return found;
  }

  latest(subject: string): CatalogueEntry {
    if (this.readers) return this.readers.latest(subject);
    const entry = this.latestBySubject.get(subject);
    if (!entry) throw new Error(`no schema of ${subject} was registered`);
    return entry;
  }

  version(subject: string, version: number): CatalogueEntry | undefined {
    if (this.readers) return this.readers.version(subject, version);
    return this.bySubjectVersion.get(`${subject}\u0000${version}`);
  }

  has(id: number): boolean {
    return this.known.has(id);
  }

  /**
   * The schema ids of wire-format messages among `messages` that the cache has not seen yet, each once.
   * JSON input (a content-type header) is never framed; anything that is not a wire header is left to
   * the decoder to refuse.
   */
  unknownIds(messages: Iterable<{ value: Buffer | null | undefined }>): number[] {
    let unknown: Set<number> | undefined;
    for (const { value } of messages) {
      if (!value || value.length < WIRE_HEADER_BYTES || value[0] !== MAGIC_BYTE) continue;
      const id = value.readUInt32BE(1);
      if (!this.known.has(id)) (unknown ??= new Set()).add(id);
    }
    return unknown ? [...unknown] : [];
  }

  /**
   * Records a schema the registry returned for `id`: an Avro record becomes readable, anything else is
   * refused. `references`: the schema texts of the named types it references, by full name.
   */
  learn(
    id: number,
    schemaText: string,
    schemaType: string | undefined,
    references: ReadonlyMap<string, string> = new Map(),
  ): void {
    this.known.set(id, entryOf(id, schemaText, schemaType, references));
  }

  /** Records that the registry has no schema with this id. */
  learnMissing(id: number): void {
    this.known.set(
      id,
      new ContractError('UNKNOWN_SCHEMA_ID', `schema id ${id} is not in the Schema Registry`),
    );
  }
}

function entryOf(
  id: number,
  schemaText: string,
  schemaType: string | undefined,
  references: ReadonlyMap<string, string>,
): CatalogueEntry | ContractError {
  const refuse = (why: string) =>
    new ContractError('INCOMPATIBLE_SCHEMA', `schema id ${id} in the Schema Registry ${why}`);
  if (schemaType !== undefined && schemaType.toUpperCase() !== 'AVRO')
    return refuse(`is ${schemaType}, not Avro`);
  let schema: SchemaJson;
  try {
    const definitions = new Map<string, SchemaJson>();
    for (const [name, text] of references) definitions.set(name, JSON.parse(text) as SchemaJson);
    schema = inlineReferences(JSON.parse(schemaText) as SchemaJson, definitions);
  } catch {
    return refuse('(or a schema it references) is not JSON, so not an Avro schema');
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema) || schema.type !== 'record') {
    return refuse('is not an Avro record');
  }
  try {
    return {
      id,
      subject: fullNameOf(schema, undefined),
      version: 0,
      file: `registry id ${id}`,
      sha256: '',
      schema,
      type: buildAvroType(schema),
    };
  } catch (err) {
    return refuse(`is not a valid Avro schema: ${(err as Error).message}`);
  }
}

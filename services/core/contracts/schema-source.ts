/**
 * Where a codec finds schemas: the one interface behind which either source serves it, the carried
 * catalogue (SchemaCatalogue, ids from schemas/catalogue.json) or a Schema Registry (RegistrySchemas,
 * ids the registry gave). Lookups are synchronous and pure: a registry's schemas are fetched before a
 * chunk is decoded (registry-schemas.ts), never while it is.
 */
import type { CatalogueEntry } from './catalogue.js';

export interface SchemaSource {
  /**
   * The writer schema of an id, or undefined when the source does not know it. May throw the
   * ContractError of an id known to be unreadable (a registry schema that is not Avro).
   */
  byId(id: number): CatalogueEntry | undefined;
  /** The schema a codec of `subject` writes with and reads into, with the id this source gives it. */
  latest(subject: string): CatalogueEntry;
  /** A released version of the subject (tests of older readers), with this source's id. */
  version(subject: string, version: number): CatalogueEntry | undefined;
}

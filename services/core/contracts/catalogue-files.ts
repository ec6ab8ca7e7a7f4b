/**
 * Reads schemas/catalogue.json and the .avsc files it lists. The only file I/O of the contracts; the
 * default catalogue is read once per process, when a codec first needs it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaCatalogue, type CatalogueRecord } from './catalogue.js';
import type { SchemaJson } from './schema-json.js';

export const SCHEMAS_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url));
export const CATALOGUE_FILE = 'catalogue.json';

export interface CatalogueFile {
  schemas: CatalogueRecord[];
}

export interface LoadedRecord extends CatalogueRecord {
  schema: SchemaJson;
}

export function readCatalogueRecords(dir: string = SCHEMAS_DIR): LoadedRecord[] {
  const file = JSON.parse(readFileSync(join(dir, CATALOGUE_FILE), 'utf8')) as CatalogueFile;
  if (!Array.isArray(file.schemas)) throw new Error(`${join(dir, CATALOGUE_FILE)}: no "schemas" array`);
  return file.schemas.map((record) => ({
    ...record,
    schema: JSON.parse(readFileSync(join(dir, record.file), 'utf8')) as SchemaJson,
  }));
}

export function loadCatalogue(dir: string = SCHEMAS_DIR): SchemaCatalogue {
  return new SchemaCatalogue(readCatalogueRecords(dir));
}

let defaultCatalogue: SchemaCatalogue | undefined;

/** The catalogue shipped in schemas/, read on first use and shared by every codec in the process. */
export function getDefaultCatalogue(): SchemaCatalogue {
  defaultCatalogue ??= loadCatalogue();
  return defaultCatalogue;
}

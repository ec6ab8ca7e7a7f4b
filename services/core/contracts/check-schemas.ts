/**
 * The whole schema check over a schemas/ folder: the catalogue is consistent, every .avsc file in the
 * folder is catalogued, released schemas are unchanged but for docs, and every pair of versions of a
 * subject resolves both ways. Run by `npm run schemas:check` and by the unit tests.
 */
import { readdirSync } from 'node:fs';
import { SchemaCatalogue } from './catalogue.js';
import { readCatalogueRecords, SCHEMAS_DIR } from './catalogue-files.js';
import { checkCatalogue } from './compat.js';

export function checkSchemasDir(dir: string = SCHEMAS_DIR): string[] {
  let catalogue: SchemaCatalogue;
  const records = readCatalogueRecords(dir);
  try {
    catalogue = new SchemaCatalogue(records);
  } catch (err) {
    return [(err as Error).message];
  }
  const listed = new Set(records.map((r) => r.file));
  const unlisted = readdirSync(dir)
    .filter((f) => f.endsWith('.avsc') && !listed.has(f))
    .map((f) => `${f} is not in catalogue.json: release it with a new id, or remove it`);
  return [...unlisted, ...checkCatalogue(catalogue)];
}

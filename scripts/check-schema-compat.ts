/**
 * `npm run schemas:check`: fails when the schema catalogue is inconsistent or a schema change would
 * break readers or writers of an earlier released version. See docs/contracts.md.
 */
import { checkSchemasDir } from '../services/core/contracts/check-schemas.js';
import { SCHEMAS_DIR, loadCatalogue } from '../services/core/contracts/catalogue-files.js';

const dir = process.argv[2] ?? SCHEMAS_DIR;
const problems = checkSchemasDir(dir);
if (problems.length > 0) {
  console.error(`schema check failed (${dir}):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
const catalogue = loadCatalogue(dir);
for (const subject of catalogue.subjects()) {
  const versions = catalogue.versions(subject);
  console.log(`${subject}: ${versions.map((v) => `v${v.version} = id ${v.id}`).join(', ')}`);
}
console.log('schema check passed: every pair of released versions resolves both ways');

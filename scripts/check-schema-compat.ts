/**
 * `npm run schemas:check`: fails when the schema catalogue is inconsistent or a schema change would
 * break readers or writers of an earlier released version. With `--registry`, also checks our schemas
 * against the Schema Registry at SCHEMA_REGISTRY_URL (or stack.env's), writing nothing. See docs/contracts.md.
 */
import { checkSchemasDir } from '../services/core/contracts/check-schemas.js';
import { SCHEMAS_DIR, loadCatalogue } from '../services/core/contracts/catalogue-files.js';
import { createRegistryClient } from '../services/adapters/registry/client.js';
import { checkAgainstRegistry } from '../services/adapters/registry/check-registry.js';
import { loadConfig } from '../services/runtime/config/load.js';
import { registryConnectionOf } from '../services/runtime/schema-registry.js';
import { readStackEnv } from '../tools/harness/stack-env.js';

const args = process.argv.slice(2);
const withRegistry = args.includes('--registry');
const dir = args.find((a) => !a.startsWith('--')) ?? SCHEMAS_DIR;
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

if (withRegistry) {
  const env = loadConfig({ ...process.env, SCHEMA_REGISTRY_URL: readStackEnv().registryUrl }).env;
  const connection = registryConnectionOf(env);
  if (!connection) {
    console.error('--registry: no SCHEMA_REGISTRY_URL (set it, or `npm run stack:up -- --registry`)');
    process.exit(1);
  }
  const client = createRegistryClient(connection);
  const checks = await checkAgainstRegistry(client, catalogue, {
    strategy: env.SCHEMA_REGISTRY_SUBJECT_STRATEGY,
    topics: {
      comments: env.OTKLIK_TOPIC_COMMENTS,
      classified: env.OTKLIK_TOPIC_CLASSIFIED,
      alerts: env.OTKLIK_TOPIC_ALERTS,
      actions: env.OTKLIK_TOPIC_ACTIONS,
      incidents: env.OTKLIK_TOPIC_INCIDENTS,
    },
  });
  for (const c of checks) {
    const state =
      c.registeredId !== undefined
        ? `registered as id ${c.registeredId}`
        : c.compatible
          ? 'not registered yet; the registry would accept it'
          : `NOT ACCEPTED: ${c.problem ?? ''}`;
    console.log(`${c.recordName} -> ${c.subject} (${client.describe}): ${state}`);
  }
  if (checks.some((c) => !c.compatible)) process.exit(1);
}

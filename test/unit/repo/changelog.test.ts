import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../services/runtime/launch.js';

// Schema versions are tied to releases: the release being made names every schema it writes and reads.
describe('CHANGELOG.md', () => {
  const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
  const { version } = JSON.parse(read('package.json')) as { version: string };
  const changelog = read('CHANGELOG.md');

  it("has an entry for package.json's version that names every schema in the catalogue", () => {
    const start = changelog.indexOf(`## [${version}]`);
    expect(start, `no "## [${version}]" entry`).toBeGreaterThan(-1);
    const next = changelog.indexOf('\n## [', start + 1);
    const entry = changelog.slice(start, next < 0 ? undefined : next);
    const catalogue = JSON.parse(read('schemas/catalogue.json')) as { schemas: { file: string }[] };
    expect(catalogue.schemas.map((s) => s.file).filter((file) => !entry.includes(file))).toEqual([]);
  });
});

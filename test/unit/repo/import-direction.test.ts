/**
 * Data and code flow one way: test/ may import tools/ and services/, tools/ may import services/, and
 * nothing flows back. A tool that imported test/ would drag vitest's globals into a benchmark; an app
 * in services/ that imported tools/ would ship the harness. Every relative import (static, dynamic,
 * side-effect, re-export) of every source file under services/, tools/ and scripts/ is resolved and
 * checked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SOURCE = /\.(m|c)?[jt]sx?$/;
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

function sourcesUnder(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && SOURCE.test(e.name) && !e.parentPath.includes('node_modules'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split(sep).join('/'));
}

/** `file`'s relative imports that land under one of `forbidden` (top-level folders). */
function importsInto(file: string, text: string, forbidden: readonly string[]): string[] {
  const hits: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const target = relative(ROOT, resolve(ROOT, dirname(file), match[1] as string))
      .split(sep)
      .join('/');
    if (forbidden.some((top) => target === top || target.startsWith(`${top}/`)))
      hits.push(`${file} imports ${match[1]}`);
  }
  return hits;
}

function violations(dirs: readonly string[], forbidden: readonly string[]): string[] {
  return dirs
    .flatMap(sourcesUnder)
    .flatMap((file) => importsInto(file, readFileSync(join(ROOT, file), 'utf8'), forbidden));
}

describe('import direction', () => {
  it('nothing under services/, tools/ or scripts/ imports from test/', () => {
    expect(violations(['services', 'tools', 'scripts'], ['test'])).toEqual([]);
  });

  it('nothing under services/ imports from tools/', () => {
    expect(violations(['services'], ['tools'])).toEqual([]);
  });

  it('inside services/, layers import downwards only: core <- adapters <- runtime <- roles <- apps', () => {
    const upper = ['services/adapters', 'services/runtime', 'services/roles', 'services/apps'];
    expect(violations(['services/core'], upper)).toEqual([]);
    expect(violations(['services/adapters'], upper.slice(1))).toEqual([]);
    // The runtime's loops (consumer, punctuator) serve every role and know none of them; only the
    // composition root (app.ts, which starts the roles a process runs) looks up.
    const runtimeLibrary = sourcesUnder('services/runtime').filter((f) => f !== 'services/runtime/app.ts');
    expect(
      runtimeLibrary.flatMap((file) =>
        importsInto(file, readFileSync(join(ROOT, file), 'utf8'), ['services/roles', 'services/apps']),
      ),
    ).toEqual([]);
    expect(violations(['services/roles'], ['services/apps'])).toEqual([]);
  });

  it('sees every form of import', () => {
    const text = [
      "import { a } from '../../test/support/fixture.js';",
      "export * from '../../test/x.js';",
      "const m = await import('../../test/y.js');",
      "import '../../test/z.js';",
      "import { ok } from '../harness/random.js';",
    ].join('\n');
    expect(importsInto('tools/bench/e2e.ts', text, ['test'])).toHaveLength(4);
  });
});

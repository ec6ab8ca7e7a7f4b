/**
 * `npm run build [-- --out DIR]`: compiles services/ to plain JavaScript under DIR (default dist/), one file
 * per source file with its source map, so a role starts as `node DIR/services/runtime/main.js` with no
 * transpiler loaded. Type checking stays with `tsc --noEmit` (npm run check); esbuild only strips types,
 * which `isolatedModules` and `verbatimModuleSyntax` in tsconfig.json guarantee is enough.
 *
 * Beside the code go the files it reads at run time, at the same relative places: Lua scripts, SQL
 * measures, JSON lexicons and calendars, the board's static files, and schemas/ (the catalogue finds it
 * three folders above services/core/contracts).
 */
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

export async function buildInto(outDir: string): Promise<{ modules: number; assets: number }> {
  const sources = filesUnder(join(ROOT, 'services'));
  const code = sources.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  const assets = sources.filter((f) => extname(f) !== '.ts');
  // A fresh tree each time: a file deleted from the sources must not live on in the build.
  rmSync(outDir, { recursive: true, force: true });
  await build({
    entryPoints: code,
    outdir: join(outDir, 'services'),
    outbase: join(ROOT, 'services'),
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Node 20.10 and later need `with { type: 'json' }` on JSON imports; esbuild drops it for plain node20.
    supported: { 'import-attributes': true },
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const asset of assets) {
    const target = join(outDir, relative(ROOT, asset));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(asset, target);
  }
  cpSync(join(ROOT, 'schemas'), join(outDir, 'schemas'), { recursive: true });
  // The .js files are ES modules wherever the tree is put; packages resolve from the repository's
  // node_modules, so the tree must stay inside the repository (or beside a node_modules of its own, as
  // in the image). The version goes with it: services/runtime/version.ts reads it from here when built.
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  writeFileSync(
    join(outDir, 'package.json'),
    `${JSON.stringify({ name: 'otklik-build', version, type: 'module', private: true }, null, 2)}\n`,
  );
  return { modules: code.length, assets: assets.length };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(ROOT, 'dist') } } });
  const started = performance.now();
  const { modules, assets } = await buildInto(values.out);
  console.log(
    `built ${modules} modules and ${assets} assets into ${relative(process.cwd(), values.out) || '.'} in ${Math.round(performance.now() - started)} ms`,
  );
}

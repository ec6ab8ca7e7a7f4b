#!/usr/bin/env node
// The `otklik` binary (package.json "bin" names the copy of this file that `npm run build` puts in
// dist/services/apps/cli/). There main.js sits beside it: plain JavaScript, no transpiler. Run from the
// source tree instead (a checkout without a build), it falls back to tsx, a dev dependency.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const compiled = new URL('./main.js', import.meta.url);
if (existsSync(compiled)) {
  const { main } = await import(compiled.href);
  await main();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  await main();
}

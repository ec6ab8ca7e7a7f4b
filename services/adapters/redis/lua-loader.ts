import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LUA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'lua');
const INCLUDE = /^--- @include "([a-z_]+)"$/gm;

/**
 * Replaces each `--- @include "x"` line of a script with `<dir>/includes/x.lua`. `dir` is the shipped
 * scripts' folder unless a caller reads another layout's scripts (the previous layout's, kept as test
 * fixtures for the migration test and bench:sla's before/after).
 */
export function spliceIncludes(source: string, dir: string = LUA_DIR): string {
  return source.replace(INCLUDE, (_line, include: string) =>
    readFileSync(join(dir, 'includes', `${include}.lua`), 'utf8'),
  );
}

/** Reads `<dir>/<name>.lua` (default: the shipped `lua/`) with its includes spliced in. */
export function loadLuaScript(name: string, dir: string = LUA_DIR): string {
  return spliceIncludes(readFileSync(join(dir, `${name}.lua`), 'utf8'), dir);
}

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LUA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'lua');
const INCLUDE = /^--- @include "([a-z_]+)"$/gm;

/** Replaces each `--- @include "x"` line of a script with `lua/includes/x.lua`. */
export function spliceIncludes(source: string): string {
  return source.replace(INCLUDE, (_line, include: string) =>
    readFileSync(join(LUA_DIR, 'includes', `${include}.lua`), 'utf8'),
  );
}

/** Reads `lua/<name>.lua` with its includes spliced in. */
export function loadLuaScript(name: string): string {
  return spliceIncludes(readFileSync(join(LUA_DIR, `${name}.lua`), 'utf8'));
}

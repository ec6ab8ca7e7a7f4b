import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LUA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'lua');
const INCLUDE = /^--- @include "([a-z_]+)"$/gm;

/** Reads `lua/<name>.lua` with its `--- @include "x"` lines replaced by `lua/includes/x.lua`. */
export function loadLuaScript(name: string): string {
  const source = readFileSync(join(LUA_DIR, `${name}.lua`), 'utf8');
  return source.replace(INCLUDE, (_line, include: string) =>
    readFileSync(join(LUA_DIR, 'includes', `${include}.lua`), 'utf8'),
  );
}

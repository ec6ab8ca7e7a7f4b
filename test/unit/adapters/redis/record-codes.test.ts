import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CATEGORY_SYMBOLS,
  PRIORITY_SYMBOLS,
} from '../../../../services/core/contracts/schema-types.generated.js';
import { CATEGORY_CODES, PRIORITY_CODES } from '../../../../services/adapters/redis/record/record.js';

/**
 * The one-letter codes of open records: written by services/adapters/redis/record/record.ts, decoded by
 * lua/includes/record.lua; both against the schema's symbols.
 */
const lua = readFileSync(
  join(
    import.meta.dirname,
    '..',
    '..',
    '..',
    '..',
    'services',
    'adapters',
    'redis',
    'lua',
    'includes',
    'record.lua',
  ),
  'utf8',
);
function table(name: string): Record<string, string> {
  const body = new RegExp(`local ${name} = \\{([^}]*)\\}`).exec(lua)?.[1] ?? '';
  return Object.fromEntries(
    [...body.matchAll(/(\w+) = '(\w+)'/g)].map((m) => [m[1] as string, m[2] as string]),
  );
}

describe('record codes', () => {
  it.each([
    ['CATEGORY', CATEGORY_SYMBOLS],
    ['PRIORITY', PRIORITY_SYMBOLS],
  ] as const)(
    'every %s symbol has a distinct one-letter code, and the inverse table matches',
    (name, symbols) => {
      const codes = table(`${name}_CODES`);
      const names = table(`${name}_NAMES`);
      expect(Object.keys(codes).sort()).toEqual([...symbols].sort());
      expect(new Set(Object.values(codes)).size).toBe(symbols.length);
      expect(Object.values(codes).every((c) => c.length === 1)).toBe(true);
      expect(Object.fromEntries(Object.entries(names).map(([code, n]) => [n, code]))).toEqual(codes);
      expect(name === 'CATEGORY' ? CATEGORY_CODES : PRIORITY_CODES).toEqual(codes);
    },
  );
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configurationReference, REFERENCE_PATH } from '../../../scripts/config-reference.js';
import { envSchema } from '../../../services/runtime/config/env.js';
import { opsEnvSchema } from '../../../services/apps/ops/config.js';

describe('docs/configuration.md', () => {
  it('is what the validators generate today (run `npm run config:reference` after changing one)', async () => {
    expect(readFileSync(REFERENCE_PATH, 'utf8')).toBe(await configurationReference());
  });

  it('lists every environment variable, each with a meaning', async () => {
    const text = await configurationReference();
    for (const name of [...Object.keys(envSchema.shape), ...Object.keys(opsEnvSchema.shape)]) {
      const row = text.split('\n').find((line) => line.startsWith(`| \`${name}\``));
      expect(row, name).toBeDefined();
      expect(row?.split('|').at(-2)?.trim(), `${name} has no meaning`).not.toBe('');
    }
  });
});

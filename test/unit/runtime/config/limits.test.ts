import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../../services/runtime/config/load.js';
import { DEFAULT_FIELD_BYTES } from '../../../../services/core/contracts/index.js';
import {
  maxRecordBytes,
  RECORD_CAPACITY_BYTES,
} from '../../../../services/adapters/redis/record/record-bound.js';

function withFile(yaml: string): Record<string, string> {
  const file = join(mkdtempSync(join(tmpdir(), 'otklik-limits-')), 'otklik.yaml');
  writeFileSync(file, yaml);
  return { OTKLIK_CONFIG: file };
}

function problemsOf(yaml: string): string[] {
  try {
    loadConfig(withFile(yaml));
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('the limits section of the config file', () => {
  it('defaults every field limit and no extra regions; the defaults fit an open record', () => {
    const { limits, excerptChars } = loadConfig({}).runtime;
    expect(limits.maxFieldBytes).toEqual(DEFAULT_FIELD_BYTES);
    expect(limits.extraRegions).toEqual([]);
    expect(maxRecordBytes(limits.maxFieldBytes, excerptChars)).toBeLessThanOrEqual(RECORD_CAPACITY_BYTES);
    // Even with the longest excerpt allowed.
    expect(maxRecordBytes(limits.maxFieldBytes, 500)).toBeLessThanOrEqual(RECORD_CAPACITY_BYTES);
  });

  it('takes field limits by their dotted names and keeps the defaults of the others', () => {
    const { limits } = loadConfig(
      withFile('limits:\n  maxFieldBytes:\n    author.id: 64\n    url: 4096\n  extraRegions: [KZ-ALA]\n'),
    ).runtime;
    expect(limits.maxFieldBytes).toEqual({ ...DEFAULT_FIELD_BYTES, 'author.id': 64, url: 4096 });
    expect(limits.extraRegions).toEqual(['KZ-ALA']);
  });

  it('refuses unknown fields, non-positive limits and limits over 8 KiB, naming each', () => {
    const problems = problemsOf(
      'limits:\n  maxFieldBytes:\n    text: 10\n    region: 0\n    comment_id: 100000\n',
    );
    expect(problems.some((p) => p.includes('limits.maxFieldBytes') && p.includes('text'))).toBe(true);
    expect(problems.some((p) => p.includes('limits.maxFieldBytes.region'))).toBe(true);
    expect(problems.some((p) => p.includes('limits.maxFieldBytes.comment_id'))).toBe(true);
  });

  it('refuses limits whose largest open record would not fit in what record.lua can chunk', () => {
    // Under 8 KiB, so allowed alone; with a long excerpt it admits a record of over 13,310 bytes.
    const yaml = 'excerptChars: 500\nlimits:\n  maxFieldBytes:\n    url: 6000\n';
    const [problem, ...rest] = problemsOf(yaml);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/limits\.maxFieldBytes: an open record could take \d+ bytes .* over the 13310/);
    // A shorter url with the default excerpt fits.
    expect(() => loadConfig(withFile('limits:\n  maxFieldBytes:\n    url: 5000\n'))).not.toThrow();
  });

  it('refuses extra regions with separators, spaces or over the region limit', () => {
    const problems = problemsOf(
      "limits:\n  maxFieldBytes:\n    region: 4\n  extraRegions: ['77|x', 'a b', 'ok', 'toolong']\n",
    );
    expect(problems.filter((p) => p.includes('limits.extraRegions.0'))).toHaveLength(1);
    expect(problems.filter((p) => p.includes('limits.extraRegions.1'))).toHaveLength(1);
    expect(problems.some((p) => p.includes('limits.extraRegions.2'))).toBe(false);
    expect(problems.find((p) => p.includes('limits.extraRegions.3'))).toMatch(/maxFieldBytes\.region \(4/);
  });
});

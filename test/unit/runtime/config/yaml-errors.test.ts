import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../../../services/runtime/config/load.js';

/** A config error says where (file, line, column) and what, and never repeats the file's text. */
const SECRET = 's3cr3t-P4ss';

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'otklik-config-')), 'otklik.yaml');
  writeFileSync(file, yaml);
  return file;
}

function problemsOf(yaml: string): { file: string; problems: string[] } {
  const file = configFile(yaml);
  try {
    loadConfig({ OTKLIK_CONFIG: file });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const text of [e.message, ...e.problems]) expect(text).not.toContain(SECRET);
    return { file, problems: e.problems };
  }
  throw new Error('expected a ConfigError');
}

afterEach(() => vi.restoreAllMocks());

describe('YAML errors in the config file', () => {
  it('an unclosed quote: file, line, column and the problem, not the line', () => {
    const { file, problems } = problemsOf(`retentionDays: 7\nsweeper:\n  leaseMs: "${SECRET}\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')}:\\d+:\\d+: not valid YAML: a closing quote`),
    );
  });

  it('every parse error at once, each with its position', () => {
    const { file, problems } = problemsOf(`excerptChars: 10\nexcerptChars: ${SECRET}\n\tx: ${SECRET}\n`);
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(problems).toContain(`${file}:2:1: not valid YAML: a key appears twice in the same mapping`);
    for (const p of problems) expect(p).toMatch(/:\d+:\d+: not valid YAML: [a-z]/);
  });

  it('an unclosed bracket, and an alias without its anchor (named after a secret)', () => {
    expect(problemsOf(`sla: [${SECRET}\n`).problems[0]).toMatch(
      /:\d+:\d+: not valid YAML: wrong indentation, or an unclosed bracket$/,
    );
    expect(problemsOf(`sla: *${SECRET}\n`).problems).toEqual([
      expect.stringMatching(/: not valid YAML: an alias refers to no anchor set before it$/),
    ]);
  });

  it('prints no warning with the line (an unknown tag)', () => {
    const warn = vi.spyOn(process, 'emitWarning');
    const { problems } = problemsOf(`retentionDays: !!${SECRET} 5\n`);
    expect(problems.join('\n')).toMatch(/retentionDays/);
    expect(warn).not.toHaveBeenCalled();
  });

  it('a value of the wrong type is named by its key, not shown', () => {
    const { file, problems } = problemsOf(`retentionDays: "${SECRET}"\n`);
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${file}: retentionDays: `))]);
  });
});

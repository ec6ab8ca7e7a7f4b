import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundedLines, type BoundedLine } from '../../../../services/apps/classifier/bounded-lines.js';
import { entryArguments } from '../../../../services/runtime/launch.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

async function linesOf(chunks: (string | Buffer)[], maxBytes: number): Promise<(string | number)[]> {
  const out: (string | number)[] = [];
  async function* source() {
    yield* chunks;
  }
  for await (const line of boundedLines(source(), maxBytes) as AsyncGenerator<BoundedLine>) {
    out.push(line.tooLong ? line.bytes : line.bytes.toString('utf8'));
  }
  return out;
}

describe('boundedLines', () => {
  it('splits on LF and CRLF, keeps empty lines and a last line without newline', async () => {
    expect(await linesOf(['a\nbb\r', '\n\nccc'], 10)).toEqual(['a', 'bb', '', 'ccc']);
    expect(await linesOf(['a\n'], 10)).toEqual(['a']);
    expect(await linesOf([], 10)).toEqual([]);
  });

  it('reports an over-long line by its size, split across chunks, and goes on with the next', async () => {
    expect(await linesOf(['12345', '67890', '1\nok\n', 'x'.repeat(11)], 10)).toEqual([11, 'ok', 11]);
    // Exactly the limit, with or without '\r'.
    expect(await linesOf(['1234567890\r\n1234567890\n'], 10)).toEqual(['1234567890', '1234567890']);
    expect(await linesOf(['1234567890\r1\n'], 10)).toEqual([12]);
  });

  it('never holds more than the limit of a long line', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let held = 0;
    async function* source() {
      for (let i = 0; i < 1600; i++) {
        held = Math.max(held, process.memoryUsage().arrayBuffers);
        yield chunk; // 100 MiB without a newline
      }
      yield Buffer.from('\n{"text":"x"}\n');
    }
    const before = process.memoryUsage().arrayBuffers;
    const lines: BoundedLine[] = [];
    for await (const line of boundedLines(source(), 1024 * 1024)) lines.push(line);
    expect(lines.map((l) => l.tooLong)).toEqual([true, false]);
    expect(lines[0]).toEqual({ tooLong: true, bytes: 1600 * 64 * 1024 });
    expect((held - before) / 1e6).toBeLessThan(20);
  });
});

describe('npm run classify: hostile lines', () => {
  function classifyTool(args: string[], input: Buffer, nodeOptions: string[] = []) {
    const r = spawnSync(
      process.execPath,
      [...nodeOptions, ...entryArguments('services/apps/classifier/classify.ts'), ...args],
      { cwd: ROOT, input, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), status: r.status };
  }

  it('answers an over-long line and a line of invalid UTF-8 with an error line each, in order', () => {
    const input = Buffer.concat([
      Buffer.from('{"id":1,"text":"Нет горячей воды"}\n'),
      Buffer.from(`{"id":2,"text":"${'я'.repeat(600)}"}\n`), // 1,218 bytes
      Buffer.from('{"id":3,"text":"'),
      Buffer.from([0xd0, 0x28, 0xff]), // broken UTF-8
      Buffer.from('"}\n{"id":4,"text":"ok"}'),
    ]);
    const r = classifyTool(['--max-line-bytes', '1000'], input);
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ id: 1, category: 'housing_utilities' });
    expect(lines[1]).toEqual({ error: 'CLASSIFY_LINE_TOO_LONG', line: 2 });
    expect(lines[2]).toEqual({ error: 'CLASSIFY_BAD_UTF8', line: 3 });
    expect(lines[3]).toMatchObject({ id: 4, category: 'other' });
    expect(r.stderr).toContain('line 2: CLASSIFY_LINE_TOO_LONG: 1218 bytes, over 1000');
    expect(r.stderr).toContain('line 3: CLASSIFY_BAD_UTF8');
  });

  it('a 200 MB line does not fill the memory (default limit 1 MiB, heap capped at 64 MB)', () => {
    const input = Buffer.concat([
      Buffer.from('{"text":"'),
      Buffer.alloc(200 * 1024 * 1024, 'a'),
      Buffer.from('"}\n{"text":"Спасибо"}\n'),
    ]);
    const r = classifyTool([], input, ['--max-old-space-size=64']);
    expect(r.stderr).not.toMatch(/heap out of memory/);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual({ error: 'CLASSIFY_LINE_TOO_LONG', line: 1 });
  });
});

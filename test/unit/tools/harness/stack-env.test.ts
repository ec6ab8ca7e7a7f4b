import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStackEnv, requireStackEnv } from '../../../../tools/harness/stack-env.js';

const dir = mkdtempSync(join(tmpdir(), 'otklik-stack-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readStackEnv', () => {
  it('reads stack.env under OTKLIK_STATE_DIR, skipping comments', () => {
    writeFileSync(
      join(dir, 'stack.env'),
      '# written by stack:up\nKAFKA_BROKERS=127.0.0.1:19092\nREDIS_URL=redis://127.0.0.1:16379\n',
    );
    expect(readStackEnv({ OTKLIK_STATE_DIR: dir })).toEqual({
      brokers: '127.0.0.1:19092',
      redisUrl: 'redis://127.0.0.1:16379',
      file: join(dir, 'stack.env'),
    });
  });

  it('lets the environment win over the file', () => {
    const env = { OTKLIK_STATE_DIR: dir, KAFKA_BROKERS: 'k:1', REDIS_URL: 'redis://r:2' };
    expect(readStackEnv(env)).toMatchObject({ brokers: 'k:1', redisUrl: 'redis://r:2' });
  });

  it('requireStackEnv names the missing file', () => {
    const empty = join(dir, 'none');
    expect(() => requireStackEnv({ OTKLIK_STATE_DIR: empty })).toThrow(join(empty, 'stack.env'));
  });
});

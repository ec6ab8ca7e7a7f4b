import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the worker process', () => {
  it('exits with code 2 and a message naming the variable when the configuration is invalid', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'services/runtime/main.ts', 'worker'], {
      env: { ...process.env, KAFKA_BROKERS: 'not-a-broker', LOG_LEVEL: 'loud' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toMatch(/KAFKA_BROKERS: .*host:port/);
    expect(result.stderr).toMatch(/LOG_LEVEL: /);
  });
});

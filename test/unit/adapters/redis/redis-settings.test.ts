import { describe, expect, it } from 'vitest';
import {
  REQUIRED_LISTPACK_VALUE,
  listpackProblem,
} from '../../../../services/adapters/redis/redis-settings.js';

describe('listpackProblem', () => {
  it('accepts masters at or above the value the layout needs', () => {
    expect(REQUIRED_LISTPACK_VALUE).toBe(256);
    expect(
      listpackProblem([
        { node: 'a:1', value: 256 },
        { node: 'b:2', value: 1024 },
      ]),
    ).toBeNull();
  });

  it('names every master below it, the setting to make and the override', () => {
    const problem = listpackProblem([
      { node: 'a:1', value: 64 },
      { node: 'b:2', value: 256 },
      { node: 'c:3', unreadable: 'CONFIG GET: NOPERM' },
    ]);
    expect(problem).toContain('Redis a:1 has hash-max-listpack-value 64');
    expect(problem).not.toContain('b:2');
    expect(problem).toContain('CONFIG SET hash-max-listpack-value 256');
    expect(problem).toContain('cannot read hash-max-listpack-value of Redis c:3 (CONFIG GET: NOPERM)');
    expect(problem).toContain('OTKLIK_REDIS_ACCEPT_SMALL_LISTPACK=1');
  });
});

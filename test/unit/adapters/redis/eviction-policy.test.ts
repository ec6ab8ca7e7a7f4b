import { describe, expect, it } from 'vitest';
import { evictionProblem, maxmemoryPolicyOf } from '../../../../services/adapters/redis/eviction-policy.js';

/** The part of a Redis 7.0 `INFO memory` reply around the field (CRLF line ends, as sent). */
const info = (policy: string) =>
  [
    '# Memory',
    'used_memory:1089184',
    'maxmemory:0',
    'maxmemory_human:0B',
    `maxmemory_policy:${policy}`,
    'allocator_frag_ratio:1.10',
    '',
  ].join('\r\n');

describe('the noeviction check at start', () => {
  it('reads maxmemory_policy out of INFO memory, and nothing out of a reply without it', () => {
    expect(maxmemoryPolicyOf(info('noeviction'))).toBe('noeviction');
    expect(maxmemoryPolicyOf(info('allkeys-lru'))).toBe('allkeys-lru');
    expect(maxmemoryPolicyOf('# Memory\r\nused_memory:1\r\n')).toBeUndefined();
    expect(maxmemoryPolicyOf('maxmemory:0\r\n')).toBeUndefined();
  });

  it('accepts only when every node has noeviction', () => {
    expect(evictionProblem([{ node: 'a:1', policy: 'noeviction' }])).toBeNull();
    expect(
      evictionProblem([
        { node: 'a:1', policy: 'noeviction' },
        { node: 'b:2', policy: 'noeviction' },
      ]),
    ).toBeNull();
  });

  it.each([
    'allkeys-lru',
    'volatile-lru',
    'allkeys-lfu',
    'volatile-lfu',
    'allkeys-random',
    'volatile-random',
    'volatile-ttl',
  ])('refuses %s, naming the node, the policy and the fix', (policy) => {
    const problem = evictionProblem([{ node: 'redis-1:6379', policy }]);
    expect(problem).toContain(`Redis redis-1:6379 has maxmemory-policy ${policy}`);
    expect(problem).toContain('set maxmemory-policy noeviction');
  });

  it('refuses when one master of a cluster evicts, naming only that one', () => {
    const problem = evictionProblem([
      { node: 'a:7001', policy: 'noeviction' },
      { node: 'b:7002', policy: 'volatile-ttl' },
      { node: 'c:7003', policy: 'noeviction' },
    ]);
    expect(problem).toContain('b:7002 has maxmemory-policy volatile-ttl');
    expect(problem).not.toContain('a:7001');
  });

  it('refuses when the policy cannot be read (neither INFO nor CONFIG allowed), saying what to grant', () => {
    const problem = evictionProblem([{ node: 'a:1', unreadable: 'INFO: NOPERM; CONFIG GET: NOPERM' }]);
    expect(problem).toContain('cannot read maxmemory-policy of Redis a:1 (INFO: NOPERM; CONFIG GET: NOPERM)');
    expect(problem).toContain('+info');
  });

  it('refuses when there is no node to check', () => {
    expect(evictionProblem([])).not.toBeNull();
  });
});

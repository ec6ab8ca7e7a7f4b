import type { Redis } from 'ioredis';
import { spliceIncludes } from '../../services/adapters/redis/lua-loader.js';
import type { SlaKeys } from '../../services/adapters/redis/keys.js';

/**
 * Moves every window of a shard's due wheel into its `soon` zset with the shipped `wheel_move`
 * (includes/wheel.lua), as claim_due does once each window's move time has come, and returns `soon`'s
 * size. bench:sla's registration claims nothing, so its bytes per item are those of items still in
 * their windows' listpack slots; this gives the other end: every open item waiting in `soon` (a skiplist
 * entry each), the most a clock that has advanced can cost. The time argument is past every move time.
 */
const MOVE_ALL = spliceIncludes(
  [
    '--- @include "wheel"',
    'wheel_move(KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]))',
    "return redis.call('ZCARD', KEYS[2])",
  ].join('\n'),
);

export async function moveAllIntoSoon(redis: Redis, keys: SlaKeys, shards: number): Promise<number> {
  let moved = 0;
  for (let shard = 0; shard < shards; shard++) {
    const card = await redis.eval(MOVE_ALL, 2, keys.due(shard), keys.soon(shard), 1e15, 1e12);
    moved += Number(card);
  }
  return moved;
}

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedisClient } from './connect.js';
import { loadLuaScript } from './lua-loader.js';
import { SLA_SCRIPTS, SlaStore, type SlaStoreOptions } from './store/sla-store.js';

const CLOCK_INCLUDE = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), 'lua', 'includes', 'clock.lua'),
  'utf8',
);

/**
 * The store's own scripts with one change: `now` is not the Redis server's clock but a time the caller
 * sets, read from a key in the same hash tag as the script's first key (so in the script's slot). A
 * rebuild replays the log at the times the original run had: whether an open was already overdue, which
 * wheel window a deadline took, what was due at a claim and the day of the daily counters all follow.
 */
function withReplayClock(lua: string, clockPrefix: string): string {
  if (!lua.includes(CLOCK_INCLUDE)) throw new Error('replay-store: the clock include was not found');
  const clock =
    `-- The rebuild's clock (replay-store.ts): the original run's time, set before each step.\n` +
    `local now = tonumber(redis.call('GET', ${JSON.stringify(clockPrefix)} .. string.match(KEYS[1], '{[^}]*}')))\n` +
    `local today = tostring(math.floor(now / 86400000))\n`;
  return lua.replace(CLOCK_INCLUDE, clock);
}

/**
 * An SlaStore whose scripts run on a clock the caller sets (`setClock`), on a connection of its own (the
 * scripts are defined on the connection under the store's names). The keys it reads and writes are the
 * store's, under `options.prefix`; the clock keys are `<clockPrefix>{<shard>}`.
 */
export class ReplayStore {
  readonly store: SlaStore;

  constructor(
    private readonly redis: RedisClient,
    options: SlaStoreOptions,
    readonly clockPrefix: string,
  ) {
    for (const [name, { file, keys }] of Object.entries(SLA_SCRIPTS)) {
      redis.defineCommand(name, {
        numberOfKeys: keys,
        lua: withReplayClock(loadLuaScript(file), clockPrefix),
      });
    }
    this.store = new SlaStore(redis, options);
  }

  clockKey(shard: number): string {
    return `${this.clockPrefix}{${shard}}`;
  }

  /** Sets every shard's clock (one round trip; on a Cluster, one per shard, as its keys are in other slots). */
  async setClock(ms: number): Promise<void> {
    const shards = Array.from({ length: this.store.options.shards }, (_, shard) => shard);
    if (this.redis.isCluster) {
      await Promise.all(shards.map((shard) => this.redis.set(this.clockKey(shard), ms)));
      return;
    }
    const pipeline = this.redis.pipeline();
    for (const shard of shards) pipeline.set(this.clockKey(shard), ms);
    await pipeline.exec();
  }

  async deleteClock(): Promise<void> {
    const keys = Array.from({ length: this.store.options.shards }, (_, shard) => this.clockKey(shard));
    await Promise.all(keys.map((key) => this.redis.del(key)));
  }
}

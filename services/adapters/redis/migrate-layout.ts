import type { Cluster, Redis } from 'ioredis';
import { LAYOUT_VERSION, PREVIOUS_LAYOUT_VERSION, RECORD_BUCKETS, SlaKeys } from './keys.js';
import { loadLuaScript } from './lua-loader.js';
import { readLayoutVersions } from './redis-settings.js';

/**
 * The offline migration of a keyspace of an earlier SLA layout into the current one (docs/sla-engine.md
 * "Upgrading the layout"), for a STOPPED system: no worker or sweeper runs while it does (current roles
 * refuse to start until it is done; older roles must be stopped by the operator).
 *
 * A v2 shard differs from v3 only in its totals string's `open` slots: migrate_counters.lua rewrites
 * them and stamps the version in one atomic call. A v1 shard is converted as follows. Per shard:
 * the version key becomes `m`, every v1 record bucket is converted by one atomic migrate_step.lua call
 * (records re-packed into v2 buckets and scheduled in the v2 wheels as they were), then
 * migrate_finish.lua deletes the v1 wheels and stamps the version. Finished markers, the lease set and
 * the counters have the same format in both layouts and stay as they are.
 *
 * Idempotent and resumable: a step converts a bucket whole or not at all and a bucket already gone is a
 * no-op, so after a crash the same command finishes the job. No open deadline is lost: every open
 * record keeps its next alert; one that fell due while the system was stopped fires at the first claim.
 */

/** Record buckets of the previous layout per shard. */
const V1_RECORD_BUCKETS = 1024;
/** Buckets converted per pipelined round trip (each call holds Redis for ~60 records). */
const STEPS_PER_ROUND = 32;
/** v1 wheel slots deleted per migrate_finish call. */
const FINISH_BUDGET = 500;

export interface MigrationReport {
  /** Shards already in layout v2 (or empty, then stamped) before this run. */
  alreadyDone: number;
  /** Shards converted (or finished) by this run. */
  migrated: number;
  /** Records converted by this run. */
  records: number;
}

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

export async function migrateLayout(
  redis: Redis | Cluster,
  options: { prefix: string; shards: number; onShard?: (shard: number, records: number) => void },
): Promise<MigrationReport> {
  if (!('migrateStep' in redis)) {
    redis.defineCommand('migrateStep', { numberOfKeys: 4, lua: loadLuaScript('migrate_step') });
    redis.defineCommand('migrateFinish', { numberOfKeys: 3, lua: loadLuaScript('migrate_finish') });
    redis.defineCommand('migrateCounters', { numberOfKeys: 2, lua: loadLuaScript('migrate_counters') });
  }
  const scripts = redis as unknown as {
    migrateStep: ScriptFn;
    migrateFinish: ScriptFn;
    migrateCounters: ScriptFn;
  };
  const keys = new SlaKeys(options.prefix);
  const versions = await readLayoutVersions(redis, options.prefix, options.shards);
  const report: MigrationReport = { alreadyDone: 0, migrated: 0, records: 0 };
  for (let shard = 0; shard < options.shards; shard++) {
    const version = versions[shard];
    if (version === LAYOUT_VERSION) {
      report.alreadyDone++;
      continue;
    }
    if (version === 'empty') {
      await redis.set(keys.layoutVersion(shard), LAYOUT_VERSION, 'NX');
      report.alreadyDone++;
      continue;
    }
    if (version === PREVIOUS_LAYOUT_VERSION) {
      await scripts.migrateCounters(
        keys.layoutVersion(shard),
        keys.counterBits(shard),
        PREVIOUS_LAYOUT_VERSION,
        LAYOUT_VERSION,
      );
      report.migrated++;
      options.onShard?.(shard, 0);
      continue;
    }
    if (version !== 'v1' && version !== 'migrating') {
      throw new Error(`shard ${shard}: unknown layout version ${version}; refusing to touch it`);
    }
    // A v1 keyspace has no totals string, so its shards are stamped with the current version directly.
    // From here on current roles refuse the shard until it is stamped, whatever happens to this process.
    await redis.set(keys.layoutVersion(shard), 'm');
    const tag = keys.tag(shard);
    let records = 0;
    for (let from = 0; from < V1_RECORD_BUCKETS; from += STEPS_PER_ROUND) {
      const round = Array.from({ length: Math.min(STEPS_PER_ROUND, V1_RECORD_BUCKETS - from) }, (_, i) =>
        scripts.migrateStep(
          `${tag}:r:${from + i}`,
          keys.due(shard),
          keys.late(shard),
          keys.lease(shard),
          keys.recordPrefix(shard),
          RECORD_BUCKETS,
        ),
      );
      for (const converted of await Promise.all(round)) records += Number(converted);
    }
    while (
      Number(
        await scripts.migrateFinish(
          `${tag}:due`,
          `${tag}:late`,
          keys.layoutVersion(shard),
          FINISH_BUDGET,
          LAYOUT_VERSION,
        ),
      ) !== 1
    );
    report.migrated++;
    report.records += records;
    options.onShard?.(shard, records);
  }
  return report;
}

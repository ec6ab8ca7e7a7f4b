/**
 * The previous SLA layout (v1), driven through its own Lua scripts, kept as test fixtures in
 * test/fixtures/sla-layout-v1 (read as files here; nothing is imported from test/). For the migration
 * test (a keyspace built by the old scripts, then converted by `migrate-layout`) and bench:sla's
 * `--layout v1` (the previous layout's cost in the same run as the current one). Never used by a role.
 *
 * v1 keys of a shard (`<prefix>:{<shard>}:`): records chunked into `r:<0..1023>`, due wheel `due` +
 * `due:<minute>[.n]`, late wheel `late` + `late:<minute>[.n]`; `lease`, `f:<member>`, `cnt` and `daily`
 * as today (test/fixtures/sla-layout-v1/README.md).
 */
import { join } from 'node:path';
import type { ChainableCommander, Redis } from 'ioredis';
import type { SlaCommand, SlaOutcome } from '../../services/core/sla/commands.js';
import { loadLuaScript } from '../../services/adapters/redis/lua-loader.js';
import { recordBucketOf, SlaKeys } from '../../services/adapters/redis/keys.js';
import { commentRowOf } from '../../services/adapters/redis/record/comment-row.js';
import { packTransitions, unpackOutcomes } from '../../services/adapters/redis/store/transition-packing.js';
import type { ClaimResult, ClaimedAlert } from '../../services/adapters/redis/store/sla-store.js';
import type { AlertKind } from '../../services/core/contracts/schema-types.generated.js';

export const V1_LUA_DIR = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'sla-layout-v1');
/** v1's record buckets per shard; v2's 4,096-bucket number modulo 1,024 is v1's (both bits 16-31). */
export const V1_RECORD_BUCKETS = 1024;
const v1BucketOf = (commentKey: string) => recordBucketOf(commentKey) % V1_RECORD_BUCKETS;

const V1_SCRIPTS = {
  applyBatchV1: { file: 'apply_batch', keys: 5 },
  claimDueV1: { file: 'claim_due', keys: 4 },
  ackAlertV1: { file: 'ack_alert', keys: 5 },
} as const;

/** v1 key names of a shard. */
export class SlaKeysV1 {
  constructor(readonly prefix: string) {}
  tag = (shard: number) => `${this.prefix}:{${shard}}`;
  recordPrefix = (shard: number) => `${this.tag(shard)}:r:`;
  record = (shard: number, key: string) => `${this.recordPrefix(shard)}${v1BucketOf(key)}`;
  due = (shard: number) => `${this.tag(shard)}:due`;
  late = (shard: number) => `${this.tag(shard)}:late`;
  lease = (shard: number) => `${this.tag(shard)}:lease`;
  counters = (shard: number) => `${this.tag(shard)}:cnt`;
  daily = (shard: number) => `${this.tag(shard)}:daily`;
  finishedPrefix = (shard: number) => `${this.tag(shard)}:f:`;
}

type ScriptFn = (...args: (string | number | Buffer)[]) => Promise<unknown>;

/**
 * SlaStore's apply / claimDue / ackAlerts over the v1 scripts, on one Redis (no cluster). `transform`
 * rewrites each script's source before it is defined (the model test swaps the clock include).
 */
export class SlaStoreV1 {
  readonly keys: SlaKeysV1;
  /** Same names as SlaKeys where the layouts share a key (finished markers, lease, counters). */
  readonly sharedKeys: SlaKeys;

  constructor(
    readonly redis: Redis,
    readonly options: {
      prefix: string;
      shards: number;
      retentionMs: number;
      transform?: (lua: string) => string;
    },
  ) {
    this.keys = new SlaKeysV1(options.prefix);
    this.sharedKeys = new SlaKeys(options.prefix);
    for (const [name, { file, keys }] of Object.entries(V1_SCRIPTS)) {
      const lua = loadLuaScript(file, V1_LUA_DIR);
      redis.defineCommand(name, {
        numberOfKeys: keys,
        lua: options.transform ? options.transform(lua) : lua,
      });
    }
  }

  private fn(target: Redis | ChainableCommander, name: string): ScriptFn {
    const f = (target as unknown as Record<string, ScriptFn>)[name];
    if (!f) throw new Error(`no script ${name}`);
    return f.bind(target);
  }

  async apply(commands: readonly SlaCommand[]): Promise<SlaOutcome[]> {
    const byShard = new Map<number, number[]>();
    commands.forEach((c, i) => byShard.set(c.shard, [...(byShard.get(c.shard) ?? []), i]));
    const calls: { shard: number; indexes: number[] }[] = [];
    for (const [shard, indexes] of byShard) {
      for (let from = 0; from < indexes.length; from += 200) {
        calls.push({ shard, indexes: indexes.slice(from, from + 200) });
      }
    }
    const k = this.keys;
    const pipeline = this.redis.pipeline();
    for (const { shard, indexes } of calls) {
      void this.fn(pipeline, 'applyBatchV1')(
        k.due(shard),
        k.late(shard),
        k.lease(shard),
        k.counters(shard),
        k.daily(shard),
        k.recordPrefix(shard),
        k.finishedPrefix(shard),
        String(this.options.retentionMs),
        packTransitions(
          indexes.map((i) => commands[i] as SlaCommand),
          v1BucketOf,
          'v1',
        ),
      );
    }
    const results = (await pipeline.exec()) ?? [];
    const outcomes: SlaOutcome[] = new Array(commands.length);
    calls.forEach(({ indexes }, c) => {
      const [error, reply] = results[c] ?? [new Error('no reply'), null];
      if (error) throw error;
      unpackOutcomes(reply, indexes.length).forEach(
        (o, j) => (outcomes[indexes[j] as number] = o === 'OPENED_PENDING' ? 'OPENED' : o),
      );
    });
    return outcomes;
  }

  async claimDue(shard: number, limit: number, leaseMs: number): Promise<ClaimResult> {
    const k = this.keys;
    const [now, earliest, items] = (await this.fn(this.redis, 'claimDueV1Buffer')(
      k.due(shard),
      k.lease(shard),
      k.late(shard),
      k.counters(shard),
      k.recordPrefix(shard),
      V1_RECORD_BUCKETS,
      limit,
      leaseMs,
    )) as [number, number, (Buffer | number)[][]];
    return {
      now,
      earliest: earliest < 0 ? null : earliest,
      alerts: items.map((row) => {
        const { comment, alert, target, member } = commentRowOf(row);
        return {
          shard,
          ...comment,
          kind: alert?.kind as AlertKind,
          level: alert?.level ?? 0,
          target,
          member,
        };
      }),
    };
  }

  claimDueMany(shards: readonly number[], limit: number, leaseMs: number): Promise<ClaimResult[]> {
    return Promise.all(shards.map((shard) => this.claimDue(shard, limit, leaseMs)));
  }

  async ackAlerts(alerts: readonly ClaimedAlert[]): Promise<boolean[]> {
    const k = this.keys;
    return Promise.all(
      alerts.map(async (a) => {
        const reply = await this.fn(this.redis, 'ackAlertV1')(
          k.record(a.shard, a.commentKey),
          k.due(a.shard),
          k.lease(a.shard),
          k.counters(a.shard),
          k.daily(a.shard),
          a.commentKey,
          a.kind,
          a.level,
        );
        return Array.isArray(reply) && reply[0] === 'ACKED';
      }),
    );
  }
}

import type { Cluster, Redis, ChainableCommander } from 'ioredis';
import type { SlaCommand, SlaOutcome } from '../../core/sla/commands.js';
import type { AlertKind } from '../../core/contracts/schema-types.generated.js';
import { loadLuaScript } from './lua-loader.js';
import { RECORD_BUCKETS, SlaKeys } from './keys.js';
import { SlaStoreError, toOutcome, toSlaStoreError } from './sla-status.js';

type RedisClient = Redis | Cluster;

/**
 * Fields packed into an open record are separated by U+001F and U+001E marks a compacted "https://"
 * (lua/_README.md); no stored id or url may contain either, so both become spaces.
 */
const packable = (value: string): string => value.replaceAll('\u001e', ' ').replaceAll('\u001f', ' ');
type ScriptArg = string | number;
type ScriptFn = (...args: ScriptArg[]) => Promise<unknown>;

const SCRIPTS = {
  openSla: { file: 'open_sla', keys: 5 },
  answerSla: { file: 'answer_sla', keys: 7 },
  cancelSla: { file: 'cancel_sla', keys: 7 },
  recordNotActionable: { file: 'record_not_actionable', keys: 4 },
  claimDue: { file: 'claim_due', keys: 3 },
  ackAlert: { file: 'ack_alert', keys: 5 },
} as const;
type ScriptName = keyof typeof SCRIPTS;

/** A due alert handed out by `claimDue`, with what the alert message needs. */
export interface ClaimedAlert {
  shard: number;
  commentKey: string;
  kind: AlertKind;
  level: number;
  platform: string;
  commentId: string;
  threadId: string;
  pageId: string;
  region: string;
  municipality: string | null;
  category: string;
  priority: string;
  postedAt: number;
  dueAt: number;
  excerpt: string;
  url: string | null;
}

export interface ClaimResult {
  /** Redis server time of the claim: the alerts' fired_at. */
  now: number;
  /** Earliest scheduled alert (or lease expiry) left in the shard, or null when there is none. */
  earliest: number | null;
  alerts: ClaimedAlert[];
}

export interface SlaStoreOptions {
  prefix: string;
  shards: number;
  retentionMs: number;
}

/** The Redis adapter of the SLA state machine: every transition is one idempotent Lua script. */
export class SlaStore {
  readonly keys: SlaKeys;

  constructor(
    readonly redis: RedisClient,
    readonly options: SlaStoreOptions,
  ) {
    this.keys = new SlaKeys(options.prefix);
    for (const [name, { file, keys }] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: keys, lua: loadLuaScript(file) });
    }
  }

  private call(target: RedisClient | ChainableCommander, name: ScriptName, args: ScriptArg[]): unknown {
    return (target as unknown as Record<ScriptName, ScriptFn>)[name](...args);
  }

  private enqueue(target: RedisClient | ChainableCommander, command: SlaCommand): unknown {
    const k = this.keys;
    const s = command.shard;
    const key = command.commentKey;
    const retention = this.options.retentionMs;
    switch (command.kind) {
      case 'open':
        return this.call(target, 'openSla', [
          k.record(s, key),
          k.finished(s, key),
          k.due(s),
          k.counters(s),
          k.daily(s),
          key,
          packable(command.threadId),
          packable(command.pageId),
          packable(command.region),
          packable(command.municipality ?? ''),
          command.category,
          command.priority,
          command.postedAt,
          command.warnAt,
          command.dueAt,
          command.escalationIntervalMs,
          command.maxEscalationLevel,
          command.excerpt,
          packable(command.url ?? ''),
          retention,
        ]);
      case 'answer':
        return this.call(target, 'answerSla', [
          k.record(s, key),
          k.finished(s, key),
          k.due(s),
          k.late(s),
          k.lease(s),
          k.counters(s),
          k.daily(s),
          key,
          command.answeredAt,
          retention,
        ]);
      case 'cancel':
        return this.call(target, 'cancelSla', [
          k.record(s, key),
          k.finished(s, key),
          k.due(s),
          k.late(s),
          k.lease(s),
          k.counters(s),
          k.daily(s),
          key,
          retention,
        ]);
      case 'notActionable':
        return this.call(target, 'recordNotActionable', [
          k.record(s, key),
          k.finished(s, key),
          k.counters(s),
          k.daily(s),
          key,
          command.region,
          command.category,
          command.priority,
          retention,
        ]);
    }
  }

  /**
   * Runs one script call per item in as few round trips as possible: one pipeline on a single Redis,
   * one pipeline per shard on a cluster (a cluster pipeline must stay within one node's slots).
   * Returns the replies in item order; throws SlaStoreError.
   */
  private async pipelined<T extends { shard: number }>(
    items: readonly T[],
    operation: string,
    enqueue: (pipeline: ChainableCommander, item: T) => void,
  ): Promise<unknown[]> {
    const groups = new Map<number, number[]>();
    items.forEach((item, i) => {
      const group = this.redis.isCluster ? item.shard : 0;
      const indexes = groups.get(group);
      if (indexes) indexes.push(i);
      else groups.set(group, [i]);
    });
    const replies: unknown[] = new Array(items.length);
    await Promise.all(
      [...groups.values()].map(async (indexes) => {
        const pipeline = this.redis.pipeline();
        for (const i of indexes) enqueue(pipeline, items[i] as T);
        let results: [Error | null, unknown][] | null;
        try {
          results = await pipeline.exec();
        } catch (e) {
          throw toSlaStoreError(e, operation);
        }
        if (!results)
          throw new SlaStoreError('REDIS_UNAVAILABLE', `${operation}: pipeline was discarded`, true);
        results.forEach(([error, reply], j) => {
          if (error) throw toSlaStoreError(error, operation);
          replies[indexes[j] as number] = reply;
        });
      }),
    );
    return replies;
  }

  /** Applies a batch of transitions. Every script is idempotent, so a failed batch may be retried whole. */
  async apply(commands: readonly SlaCommand[]): Promise<SlaOutcome[]> {
    const replies = await this.pipelined(commands, 'apply', (p, c) => this.enqueue(p, c));
    return replies.map((reply) => toOutcome(reply, 'apply'));
  }

  /** Claims up to `limit` due alerts of one shard under a lease of `leaseMs`. */
  async claimDue(shard: number, limit: number, leaseMs: number): Promise<ClaimResult> {
    let reply: unknown;
    try {
      reply = await this.call(this.redis, 'claimDue', [
        this.keys.due(shard),
        this.keys.lease(shard),
        this.keys.late(shard),
        this.keys.recordPrefix(shard),
        RECORD_BUCKETS,
        limit,
        leaseMs,
      ]);
    } catch (e) {
      throw toSlaStoreError(e, 'claimDue');
    }
    const [now, earliest, items] = reply as [number, number, (string | number)[][]];
    return {
      now,
      earliest: earliest < 0 ? null : earliest,
      alerts: items.map((f) => {
        const commentKey = String(f[0]);
        const colon = commentKey.indexOf(':');
        return {
          shard,
          commentKey,
          kind: f[1] as AlertKind,
          level: Number(f[2]),
          platform: commentKey.slice(0, colon),
          commentId: commentKey.slice(colon + 1),
          threadId: String(f[3]),
          pageId: String(f[4]),
          region: String(f[5]),
          municipality: f[6] ? String(f[6]) : null,
          category: String(f[7]),
          priority: String(f[8]),
          postedAt: Number(f[9]),
          dueAt: Number(f[10]),
          excerpt: String(f[11] ?? ''),
          url: f[12] ? String(f[12]) : null,
        };
      }),
    };
  }

  /**
   * Claims due alerts of several shards at once: the calls go out together (one round trip on a single
   * Redis, one per node on a cluster) instead of one shard after another.
   */
  claimDueMany(shards: readonly number[], limit: number, leaseMs: number): Promise<ClaimResult[]> {
    return Promise.all(shards.map((shard) => this.claimDue(shard, limit, leaseMs)));
  }

  /** Acknowledges published alerts; returns per alert whether it advanced the SLA (false: stale). */
  async ackAlerts(alerts: readonly ClaimedAlert[]): Promise<boolean[]> {
    const k = this.keys;
    const replies = await this.pipelined(alerts, 'ackAlerts', (p, a) =>
      this.call(p, 'ackAlert', [
        k.record(a.shard, a.commentKey),
        k.due(a.shard),
        k.lease(a.shard),
        k.counters(a.shard),
        k.daily(a.shard),
        a.commentKey,
        a.kind,
        a.level,
      ]),
    );
    return replies.map((reply) => Array.isArray(reply) && reply[0] === 'ACKED');
  }
}

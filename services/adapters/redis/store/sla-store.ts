import type { Cluster, Redis, ChainableCommander } from 'ioredis';
import type { ActionCommand, OpenSlaCommand, SlaCommand, SlaOutcome } from '../../../core/sla/commands.js';
import type { OperatorAction } from '../../../core/contracts/schema-types.generated.js';
import { commentRowOf, type RecordedComment } from '../record/comment-row.js';
import type { AlertKind } from '../../../core/contracts/schema-types.generated.js';
import { loadLuaScript } from '../lua-loader.js';
import { RECORD_BUCKETS, SlaKeys } from '../keys.js';
import { SlaStoreError, toSlaStoreError } from '../sla-status.js';
import type { SlaTarget } from '../../../core/sla/appeal-clock.js';
import { packTransitions, unpackOutcomes, type BatchOutcome } from './transition-packing.js';
import { shardOf } from '../../../core/sla/shard.js';
import type { PolicyConfig } from '../../../core/sla/policy.js';
import type { AppealState } from '../../../core/sla/appeal.js';
import { AppealLifecycle, type AppealRead, type AppealWrite, type PendingEntry } from './appeal-lifecycle.js';

type RedisClient = Redis | Cluster;

type ScriptArg = string | number | Buffer;
type ScriptFn = (...args: ScriptArg[]) => Promise<unknown>;

/** The store's scripts: the file under lua/ and how many of their arguments are KEYS. */
export const SLA_SCRIPTS = {
  applyBatch: { file: 'apply_batch', keys: 6 },
  claimDue: { file: 'claim_due', keys: 5 },
  ackAlert: { file: 'ack_alert', keys: 5 },
  applyAction: { file: 'apply_action', keys: 9 },
  readAppeal: { file: 'read_appeal', keys: 4 },
  applyAppeal: { file: 'apply_appeal', keys: 15 },
} as const;
type ScriptName = keyof typeof SLA_SCRIPTS;
/** ioredis defines `<name>Buffer` for every script: its bulk replies come back as Buffers, not text. */
type BufferScriptName = `${ScriptName}Buffer`;

/**
 * Transitions per `apply_batch` call: enough to amortise the call, few enough that one call does not
 * hold Redis (single-threaded) for more than a few milliseconds while sweepers wait to claim.
 */
export const MAX_TRANSITIONS_PER_CALL = 200;

/**
 * A due alert handed out by `claimDue`, with what the alert message needs. Not the reader's
 * OverdueComment: the sweeper needs the alert it claimed (kind, level, shard), the board the next one
 * still to fire and how late it is; the comment's fields are one definition (RecordedComment).
 */
export interface ClaimedAlert extends RecordedComment {
  shard: number;
  kind: AlertKind;
  level: number;
  /** Which of the appeal's targets is due (issue #16), and its record's member in the wheels. */
  target: SlaTarget;
  member: string;
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
  /**
   * Writes count as done only once this many replicas hold them (Redis WAIT at the end of each write
   * pipeline), so that a failover cannot lose what the worker commits or the sweeper acks. 0: off.
   */
  replicas?: { count: number; timeoutMs: number };
  /**
   * The SLA policy: with it, the whole life of an appeal (issue #16) is kept: official replies and
   * deletes go through the appeal lifecycle (appeal-lifecycle.ts: the final answer starts at the first
   * reply) and every operator action is applied. Without it, the first reply alone, as before.
   */
  policy?: PolicyConfig;
}

/** What apply_action.lua did with one operator action. */
export const ACTION_OUTCOMES = [
  'ANSWERED',
  'ANSWERED_EARLY',
  'IGNORED',
  'KEPT',
  'DUPLICATE',
  'APPLIED',
  'PENDING',
] as const;
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number];

/** The Redis adapter of the SLA state machine: every transition is one idempotent Lua script. */
export class SlaStore {
  readonly keys: SlaKeys;
  /** The appeal lifecycle, when the store was given the policy. */
  readonly lifecycle: AppealLifecycle | null;

  constructor(
    readonly redis: RedisClient,
    readonly options: SlaStoreOptions,
  ) {
    this.keys = new SlaKeys(options.prefix);
    for (const [name, { file, keys }] of Object.entries(SLA_SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: keys, lua: loadLuaScript(file) });
    }
    this.lifecycle = options.policy
      ? new AppealLifecycle(options.policy, {
          readAppeal: (shard, key) => this.readAppeal(shard, key),
          writeAppeal: (shard, key, write) => this.writeAppeal(shard, key, write),
          readLink: (shard, key) => this.readLink(shard, key),
          writeLink: async (shard, key, to) => {
            await this.pipelined([{ shard }], 'writeLink', (p) =>
              p.set(this.keys.link(shard, key), to, 'PX', this.options.retentionMs),
            );
          },
          shardOf: (key) => shardOf(key, this.options.shards),
        })
      : null;
  }

  /** read_appeal.lua: the appeal's state, or its first-reply record, and what waits for its comment. */
  async readAppeal(shard: number, key: string): Promise<AppealRead> {
    const k = this.keys;
    let reply: unknown;
    try {
      reply = await this.call(this.redis, 'readAppealBuffer', [
        k.appeal(shard, key),
        k.record(shard, key),
        k.finished(shard, key),
        k.pending(shard, key),
        key,
      ]);
    } catch (e) {
      this.relearnSlots();
      throw toSlaStoreError(e, 'readAppeal');
    }
    const [fingerprint, state, tail, record, pending] = reply as [Buffer, Buffer, Buffer, Buffer, Buffer[]];
    return {
      fingerprint: fingerprint.toString('latin1'),
      state: state.length ? (JSON.parse(state.toString('utf8')) as AppealState) : null,
      tail: state.length ? tail : null,
      record: record.length ? record : null,
      pending: pending.map((p) => JSON.parse(p.toString('utf8')) as PendingEntry),
    };
  }

  /** The appeal a comment's thread link names (a citizen's comment under it is its follow-up), or null. */
  async readLink(shard: number, key: string): Promise<string | null> {
    try {
      return await this.redis.get(this.keys.link(shard, key));
    } catch (e) {
      this.relearnSlots();
      throw toSlaStoreError(e, 'readLink');
    }
  }

  /** apply_appeal.lua: false when the appeal changed since it was read (the caller decides again). */
  async writeAppeal(shard: number, key: string, write: AppealWrite): Promise<boolean> {
    const k = this.keys;
    const [reply] = await this.pipelined([{ shard }], 'writeAppeal', (p) =>
      this.call(p, 'applyAppeal', [
        k.due(shard),
        k.late(shard),
        k.lease(shard),
        k.counters(shard),
        k.daily(shard),
        k.soon(shard),
        k.appeal(shard, key),
        k.pending(shard, key),
        k.corrections(shard),
        k.finished(shard, key),
        k.record(shard, key),
        k.record(shard, `${key}#final`),
        k.actions(shard, key),
        k.record(shard, `${key}#next`),
        k.link(shard, key),
        key,
        String(this.options.retentionMs),
        write.fingerprint,
        write.state ? JSON.stringify(write.state) : '',
        write.finished ? '1' : '0',
        write.tail ?? '',
        JSON.stringify(write.ops),
        ...write.bodies,
      ]),
    );
    if (reply === 'OK') return true;
    if (reply === 'CONFLICT') return false;
    throw new SlaStoreError('UNEXPECTED_REPLY', `apply_appeal answered ${String(reply)}`, false);
  }

  private call(
    target: RedisClient | ChainableCommander,
    name: ScriptName | BufferScriptName,
    args: ScriptArg[],
  ): unknown {
    return (target as unknown as Record<string, ScriptFn>)[name]?.(...args);
  }

  /**
   * On a cluster, a failed call may mean that the slot map is stale: a master died and its replica took
   * over. ioredis follows a lone MOVED but not a pipeline whose WAIT answered while its scripts were
   * MOVED (nor a WAIT refused by the old master, back as a replica), and keeps sending to a dead master
   * until its next periodic refresh; the caller retries the whole idempotent batch, so ask for the map
   * now and let the retry go to the new master.
   */
  private relearnSlots(): void {
    if (this.redis.isCluster) (this.redis as Cluster).refreshSlotsCache();
  }

  /**
   * exec(), failing instead of waiting on a cluster: a pipeline whose node is gone sits in the
   * cluster's offline queue, which no commandTimeout covers. A batch given up on may still run later;
   * the transitions are idempotent, so the retry and the late run agree.
   */
  private async execWithin(
    pipeline: ChainableCommander,
    waitMs: number,
  ): Promise<[Error | null, unknown][] | null> {
    if (!this.redis.isCluster) return pipeline.exec();
    const commandMs = (this.redis as Cluster).options.redisOptions?.commandTimeout ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`cluster pipeline got no answer within ${commandMs + waitMs} ms`)),
        commandMs + waitMs,
      );
    });
    const exec = pipeline.exec();
    exec.catch(() => undefined);
    try {
      return await Promise.race([exec, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The apply_batch call for some transitions of one shard, in their order. */
  private batchArgs(shard: number, commands: readonly SlaCommand[]): ScriptArg[] {
    const k = this.keys;
    return [
      k.due(shard),
      k.late(shard),
      k.lease(shard),
      k.counters(shard),
      k.daily(shard),
      k.soon(shard),
      k.recordPrefix(shard),
      k.finishedPrefix(shard),
      String(this.options.retentionMs),
      packTransitions(commands),
    ];
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
    const replicas = this.options.replicas?.count ? this.options.replicas : undefined;
    await Promise.all(
      [...groups.values()].map(async (indexes) => {
        const pipeline = this.redis.pipeline();
        for (const i of indexes) enqueue(pipeline, items[i] as T);
        // In the same pipeline, so on the same connection as the writes: a WAIT sent after a reconnect
        // would vouch for nothing (it covers the writes of its own connection only).
        if (replicas) pipeline.call('WAIT', replicas.count, replicas.timeoutMs);
        let results: [Error | null, unknown][] | null;
        try {
          results = await this.execWithin(pipeline, replicas?.timeoutMs ?? 0);
        } catch (e) {
          this.relearnSlots();
          throw toSlaStoreError(e, operation);
        }
        if (results?.some(([error]) => error)) this.relearnSlots();
        if (!results)
          throw new SlaStoreError('REDIS_UNAVAILABLE', `${operation}: pipeline was discarded`, true);
        // The writes' own errors first: a MOVED names the cause better than the WAIT sent along with it.
        const waited = replicas ? results.pop() : undefined;
        results.forEach(([error, reply], j) => {
          if (error) throw toSlaStoreError(error, operation);
          replies[indexes[j] as number] = reply;
        });
        if (replicas && waited) {
          const [error, acked] = waited as [Error | null, unknown];
          if (error) throw toSlaStoreError(error, operation);
          if (typeof acked !== 'number' || acked < replicas.count) {
            // Retriable: the caller sends the whole (idempotent) pipeline again, WAIT included.
            throw new SlaStoreError(
              'NOT_REPLICATED',
              `${operation}: on ${String(acked)} of ${replicas.count} replicas after ${replicas.timeoutMs} ms`,
              true,
            );
          }
        }
      }),
    );
    return replies;
  }

  /**
   * Applies a batch of transitions: grouped by shard (order kept within a shard: transitions of one
   * comment always share its shard), one `apply_batch` call per shard and at most
   * MAX_TRANSITIONS_PER_CALL transitions, all pipelined. Returns the outcomes in the commands' order.
   * Every transition is idempotent, so a failed batch may be retried whole.
   */
  async apply(commands: readonly SlaCommand[]): Promise<SlaOutcome[]> {
    const lifecycle = this.lifecycle;
    if (!lifecycle) {
      return (await this.applyBatch(commands)).map((o) => (o === 'OPENED_PENDING' ? 'OPENED' : o));
    }
    return applyWithLifecycle(
      commands,
      lifecycle,
      (part) => this.applyBatch(part),
      (shard, key) => this.readLink(shard, key),
    );
  }

  /** The transitions through apply_batch.lua alone (see `apply`). */
  async applyBatch(commands: readonly SlaCommand[]): Promise<BatchOutcome[]> {
    const byShard = new Map<number, number[]>();
    commands.forEach((command, i) => {
      const indexes = byShard.get(command.shard);
      if (indexes) indexes.push(i);
      else byShard.set(command.shard, [i]);
    });
    const calls: { shard: number; indexes: number[] }[] = [];
    for (const [shard, indexes] of byShard) {
      for (let from = 0; from < indexes.length; from += MAX_TRANSITIONS_PER_CALL) {
        calls.push({ shard, indexes: indexes.slice(from, from + MAX_TRANSITIONS_PER_CALL) });
      }
    }
    const replies = await this.pipelined(calls, 'apply', (p, call) =>
      this.call(
        p,
        'applyBatch',
        this.batchArgs(
          call.shard,
          call.indexes.map((i) => commands[i] as SlaCommand),
        ),
      ),
    );
    const outcomes: BatchOutcome[] = new Array(commands.length);
    calls.forEach((call, c) => {
      const statuses = unpackOutcomes(replies[c], call.indexes.length);
      call.indexes.forEach((i, j) => (outcomes[i] = statuses[j] as BatchOutcome));
    });
    return outcomes;
  }

  /**
   * Applies operator actions (issue #16), one `apply_action` call each, pipelined: each is kept once
   * per action id in its appeal's action log, and an INTERIM_REPLY ends the first reply. Actions are
   * operator-paced, so no batching script. Returns the outcomes in the actions' order.
   */
  async act(commands: readonly ActionCommand[]): Promise<ActionOutcome[]> {
    const lifecycle = this.lifecycle;
    if (lifecycle) return inKeyOrder(commands, (c) => lifecycle.act(c));
    const replies = await this.pipelined(commands, 'act', (p, { shard, commentKey, action }) =>
      this.call(p, 'applyAction', [
        this.keys.due(shard),
        this.keys.late(shard),
        this.keys.lease(shard),
        this.keys.counters(shard),
        this.keys.daily(shard),
        this.keys.soon(shard),
        this.keys.actions(shard, commentKey),
        this.keys.record(shard, commentKey),
        this.keys.finished(shard, commentKey),
        commentKey,
        String(this.options.retentionMs),
        action.action_id,
        action.kind,
        String(action.acted_at),
        JSON.stringify(action),
      ]),
    );
    return replies.map((reply) => {
      const outcome = String(reply) as ActionOutcome;
      if (!ACTION_OUTCOMES.includes(outcome))
        throw new SlaStoreError('UNEXPECTED_REPLY', `apply_action answered ${String(reply)}`, false);
      return outcome;
    });
  }

  /** The actions kept for a comment's appeal, in acted_at order (then by id). */
  async keptActions(shard: number, commentKey: string): Promise<OperatorAction[]> {
    const values = await this.redis.hvals(this.keys.actions(shard, commentKey));
    return values
      .map((v) => JSON.parse(v) as OperatorAction)
      .sort((a, b) => a.acted_at - b.acted_at || a.action_id.localeCompare(b.action_id));
  }

  /** Claims up to `limit` due alerts of one shard under a lease of `leaseMs`. */
  async claimDue(shard: number, limit: number, leaseMs: number): Promise<ClaimResult> {
    let reply: unknown;
    try {
      reply = await this.call(this.redis, 'claimDueBuffer', [
        this.keys.due(shard),
        this.keys.lease(shard),
        this.keys.late(shard),
        this.keys.counters(shard),
        this.keys.soon(shard),
        this.keys.recordPrefix(shard),
        RECORD_BUCKETS,
        limit,
        leaseMs,
      ]);
    } catch (e) {
      this.relearnSlots();
      throw toSlaStoreError(e, 'claimDue');
    }
    const [now, earliest, items] = reply as [number, number, (Buffer | number)[][]];
    return {
      now,
      earliest: earliest < 0 ? null : earliest,
      alerts: items.map((f) => {
        const { comment, alert, target, member } = commentRowOf(f);
        // claim_due only hands out records that have an alert to fire.
        if (!alert)
          throw new SlaStoreError('UNEXPECTED_REPLY', `claimDue: no alert in ${comment.commentKey}`, false);
        return { shard, ...comment, kind: alert.kind, level: alert.level, target, member };
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
        k.record(a.shard, a.member),
        k.due(a.shard),
        k.lease(a.shard),
        k.counters(a.shard),
        k.daily(a.shard),
        a.member,
        a.kind,
        a.level,
      ]),
    );
    return replies.map((reply) => Array.isArray(reply) && reply[0] === 'ACKED');
  }
}

/**
 * Runs `run` for every item, items of one comment one after another in their order, comments at once:
 * each read-decide-write of one appeal sees the one before it.
 */
async function inKeyOrder<T extends { commentKey: string }, R>(
  items: readonly T[],
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const byKey = new Map<string, number[]>();
  items.forEach((item, i) => {
    const list = byKey.get(item.commentKey);
    if (list) list.push(i);
    else byKey.set(item.commentKey, [i]);
  });
  const out: R[] = new Array(items.length);
  await Promise.all(
    [...byKey.values()].map(async (indexes) => {
      for (const i of indexes) out[i] = await run(items[i] as T);
    }),
  );
  return out;
}

/**
 * `SlaStore.apply` under the appeal lifecycle: opens and not-actionable comments go through apply_batch
 * as before (the open path costs what it did), official replies and deletes through the lifecycle's
 * read-decide-write. The batch is cut where a comment's reply or delete comes before another of its
 * transitions, so that each comment's transitions keep their order; an open that found something
 * waiting for it (OPENED_PENDING, ANSWERED_BEFORE, DELETED_BEFORE) has it applied right after.
 *
 * A citizen's comment with a parent may be a follow-up of the parent's appeal (docs/sla-engine.md "A
 * citizen's follow-up in Redis"): its parent's thread link is read first (one GET; only comments with a
 * parent pay it), and one that names an appeal goes through `lifecycle.followUp`. Whether it is a
 * follow-up depends on other comments' transitions (the reply it follows), so the batch is also cut
 * before such a comment when replies or deletes come before it: they are applied first, as the
 * reference model takes them in order.
 */
async function applyWithLifecycle(
  commands: readonly SlaCommand[],
  lifecycle: AppealLifecycle,
  applyBatch: (part: readonly SlaCommand[]) => Promise<BatchOutcome[]>,
  readLink: (shard: number, key: string) => Promise<string | null>,
): Promise<SlaOutcome[]> {
  const outcomes: SlaOutcome[] = new Array(commands.length);
  let from = 0;
  while (from < commands.length) {
    const batch: number[] = [];
    const viaLifecycle: number[] = [];
    const lifecycleKeys = new Set<string>();
    const batchKeys = new Set<string>();
    let to = from;
    for (; to < commands.length; to++) {
      const c = commands[to] as SlaCommand;
      const routed = c.kind === 'answer' || c.kind === 'cancel';
      if (!routed && lifecycleKeys.has(c.commentKey)) break;
      const parented = c.kind === 'open' && Boolean(c.parentKey);
      if (parented && (viaLifecycle.length > 0 || batchKeys.has(c.commentKey))) break;
      if (routed) {
        viaLifecycle.push(to);
        lifecycleKeys.add(c.commentKey);
      } else {
        batch.push(to);
        batchKeys.add(c.commentKey);
      }
    }
    // Follow-ups first (the part was cut so that they come before its replies and deletes): the links
    // read at once, the few that name an appeal applied in order, as two of one appeal depend on it.
    const links = await Promise.all(
      batch.map((i) => {
        const c = commands[i] as SlaCommand;
        if (c.kind !== 'open' || !c.parentKey) return null;
        return readLink(lifecycle.shardOf(c.parentKey), c.parentKey);
      }),
    );
    const followed: (SlaOutcome | null)[] = [];
    for (const [j, i] of batch.entries()) {
      const appealKey = links[j];
      followed.push(appealKey ? await lifecycle.followUp(commands[i] as OpenSlaCommand, appealKey) : null);
    }
    const opened = batch.filter((i, j) => {
      const outcome = followed[j];
      if (outcome) outcomes[i] = outcome;
      return !outcome;
    });
    const batchOutcomes = opened.length ? await applyBatch(opened.map((i) => commands[i] as SlaCommand)) : [];
    await Promise.all(
      opened.map(async (i, j) => {
        const outcome = batchOutcomes[j] as BatchOutcome;
        const c = commands[i] as SlaCommand;
        if (
          c.kind === 'open' &&
          (outcome === 'OPENED_PENDING' || outcome === 'ANSWERED_BEFORE' || outcome === 'DELETED_BEFORE')
        )
          await lifecycle.opened(c, outcome);
        outcomes[i] = outcome === 'OPENED_PENDING' ? 'OPENED' : outcome;
      }),
    );
    const results = await inKeyOrder(
      viaLifecycle.map((i) => commands[i] as SlaCommand & { kind: 'answer' | 'cancel' }),
      (c) => (c.kind === 'answer' ? lifecycle.answer(c) : lifecycle.cancel(c)),
    );
    viaLifecycle.forEach((i, j) => (outcomes[i] = results[j] as SlaOutcome));
    from = to;
  }
  return outcomes;
}

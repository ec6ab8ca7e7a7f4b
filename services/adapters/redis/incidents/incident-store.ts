/**
 * The Redis adapter of the incident service (docs/incidents.md#the-service): a detector shard's state
 * is the log of what its detector read, in order, with the Kafka offsets it reached; open incidents,
 * their members and the events to publish are written with each chunk in the same script.
 */
import type { Cluster, Redis } from 'ioredis';
import { loadLuaScript } from '../lua-loader.js';
import { IncidentKeys } from './incident-keys.js';

const SCRIPTS = {
  incidentLock: 'incident_lock',
  incidentUnlock: 'incident_unlock',
  incidentRead: 'incident_read',
  incidentApply: 'incident_apply',
  incidentOutbox: 'incident_outbox',
  incidentAck: 'incident_ack',
} as const;

type ScriptFn = (numKeys: number, ...args: (string | number)[]) => Promise<unknown>;

/** A detector shard as stored, from some position on. */
export interface ShardView {
  /** Records ever appended. */
  seq: number;
  /** Sequence number of the log's first record kept. */
  base: number;
  /** `<topic>:<partition>` -> next offset applied. */
  offsets: Map<string, number>;
  /** Records from max(from, base) on, at most the number asked. */
  records: string[];
}

export interface AppliedEvent {
  incidentId: string;
  /** What goes to the topic (an encoded IncidentEvent, base64). */
  payload: string;
  /** The open incident's summary after the event; null when it closed. */
  summary: string | null;
  /** New member comment keys. */
  members: readonly string[];
}

export interface ApplyRequest {
  token: string;
  /** The sequence number the caller's detector was at before the records. */
  expectedSeq: number;
  records: readonly string[];
  /** `<topic>:<partition>` -> next offset after the chunk's last record. */
  offsets: ReadonlyMap<string, number>;
  events: readonly AppliedEvent[];
  /** Drop the log's records before this sequence number (0: keep all). */
  trimTo: number;
  memberTtlSeconds: number;
}

export type ApplyResult =
  { ok: true; seq: number } | { ok: false; reason: 'lock_lost' | 'behind'; seq: number };

export class IncidentStore {
  readonly keys: IncidentKeys;

  constructor(
    readonly redis: Redis | Cluster,
    prefix: string,
  ) {
    this.keys = new IncidentKeys(prefix);
    for (const [name, file] of Object.entries(SCRIPTS))
      if (!(name in redis)) redis.defineCommand(name, { lua: loadLuaScript(file) });
  }

  private script(name: keyof typeof SCRIPTS): ScriptFn {
    const fn = (this.redis as unknown as Record<string, ScriptFn>)[name] as ScriptFn;
    return fn.bind(this.redis);
  }

  async lock(shard: number, token: string, ttlMs: number): Promise<boolean> {
    return (await this.script('incidentLock')(1, this.keys.lock(shard), token, ttlMs)) === 1;
  }

  async unlock(shard: number, token: string): Promise<void> {
    await this.script('incidentUnlock')(1, this.keys.lock(shard), token);
  }

  async read(shard: number, from: number, max: number): Promise<ShardView> {
    const [seq, base, flat, records] = (await this.script('incidentRead')(
      2,
      this.keys.meta(shard),
      this.keys.log(shard),
      from,
      max,
    )) as [number, number, string[], string[]];
    const offsets = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2)
      offsets.set((flat[i] as string).slice('off:'.length), Number(flat[i + 1]));
    return { seq: Number(seq), base: Number(base), offsets, records };
  }

  async apply(shard: number, request: ApplyRequest): Promise<ApplyResult> {
    const keys = [
      this.keys.meta(shard),
      this.keys.log(shard),
      this.keys.outbox(shard),
      this.keys.open(shard),
      this.keys.lock(shard),
      ...request.events.map((e) => this.keys.members(shard, e.incidentId)),
    ];
    const args: (string | number)[] = [
      request.token,
      request.expectedSeq,
      request.records.length,
      request.offsets.size,
      request.events.length,
      request.trimTo,
      request.memberTtlSeconds,
      ...request.records,
    ];
    for (const [where, next] of request.offsets) args.push(`off:${where}`, next);
    for (const e of request.events)
      args.push(e.incidentId, e.payload, e.summary ?? '', e.members.length, ...e.members);
    const [code, seq] = (await this.script('incidentApply')(keys.length, ...keys, ...args)) as [
      number,
      number,
    ];
    if (code === 1) return { ok: true, seq: Number(seq) };
    return { ok: false, reason: code === -1 ? 'lock_lost' : 'behind', seq: Number(seq) };
  }

  /** Events queued and not yet acknowledged: `published` is the number of the first one returned. */
  async outbox(shard: number, max: number): Promise<{ published: number; payloads: string[] }> {
    const [, published, ...payloads] = (await this.script('incidentOutbox')(
      2,
      this.keys.meta(shard),
      this.keys.outbox(shard),
      max,
    )) as [number, number, ...string[]];
    return { published: Number(published), payloads };
  }

  async ack(shard: number, publishedInAll: number): Promise<void> {
    await this.script('incidentAck')(2, this.keys.meta(shard), this.keys.outbox(shard), publishedInAll);
  }

  /** The open incidents' summaries of a shard (the board and the CLI read these). */
  async openIncidents(shard: number): Promise<Map<string, string>> {
    const all = await this.redis.hgetall(this.keys.open(shard));
    return new Map(Object.entries(all));
  }

  async members(shard: number, incidentId: string): Promise<string[]> {
    return this.redis.smembers(this.keys.members(shard, incidentId));
  }
}

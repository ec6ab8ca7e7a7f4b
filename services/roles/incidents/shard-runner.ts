/**
 * One detector shard as this process runs it (docs/incidents.md#the-service). Its state is the shard's
 * log in Redis: the detector here is only a cache of it, brought up to date from the log before each
 * chunk. A chunk is run under the shard's lock, after the log's end, and its records, events and open
 * incidents are appended in one script fenced by the lock and the sequence number, so however processes
 * die or race, the log is one order of records, each applied once, and every process that replays it
 * gets the same detector, the same events and the same ids.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { IncidentDetector, type DetectorConfig } from '../../core/incidents/index.js';
import type { DetectorComment } from '../../core/incidents/types.js';
import { IncidentBook } from '../../core/incidents/book.js';
import { decodeRecord, encodeRecord } from '../../core/incidents/record.js';
import type { IncidentEvent } from '../../core/contracts/index.js';
import type { AppliedEvent, IncidentStore } from '../../adapters/redis/incidents/incident-store.js';
import { SlaStoreError } from '../../adapters/redis/sla-status.js';

/** A record of a chunk: where it was read and what the detector reads. */
export interface ChunkRecord {
  /** `<topic>:<partition>`. */
  where: string;
  offset: number;
  comment: DetectorComment;
}

export interface ShardRunnerOptions {
  shard: number;
  store: IncidentStore;
  detector?: Partial<DetectorConfig>;
  /** Records older than this (event time, behind the newest) leave the log. */
  retentionMs: number;
  lockTtlMs: number;
  /** How long a closed incident's member set is kept. */
  memberTtlSeconds: number;
  encode: (event: IncidentEvent) => Buffer;
  logger: Logger;
}

export interface RunOutcome {
  applied: number;
  skipped: number;
  events: IncidentEvent[];
}

/** An event in the outbox: its id, type and new members beside the encoded event. */
interface Queued {
  k: string;
  t: IncidentEvent['type'];
  m: string[];
  v: string;
}

export interface QueuedEvent {
  incidentId: string;
  type: IncidentEvent['type'];
  members: string[];
}

/** Records read from the log per call while catching up. */
const READ_BATCH = 2_000;
/** The log is trimmed by at least this many records at a time. */
const TRIM_STEP = 1_000;
const LOCK_WAIT_MS = 50;

/** Another process holds the shard (or wrote first): retriable, the chunk is run again after it. */
function busy(message: string): SlaStoreError {
  return new SlaStoreError('SCRIPT_FAILED', message, true);
}

export class ShardRunner {
  private detector!: IncidentDetector;
  private book!: IncidentBook;
  /** Records of the log this detector has read. */
  private seq = 0;
  private offsets = new Map<string, number>();
  /** Event time of each record still in the log, from `timesBase` on (to know how far to trim). */
  private times: number[] = [];
  private timesBase = 0;
  private clock = -Infinity;
  /** The detector ran records the log does not hold (a failed apply): it must be rebuilt. */
  private dirty = true;
  readonly token = randomUUID();

  constructor(private readonly options: ShardRunnerOptions) {}

  /** Runs a chunk's records of this shard; safe to call again with the same records after any failure. */
  async run(records: readonly ChunkRecord[]): Promise<RunOutcome> {
    await this.takeLock();
    try {
      return await this.runLocked(records);
    } finally {
      // Held for one chunk only, so that processes take turns; a lost release expires with its TTL.
      await this.release().catch(() => undefined);
    }
  }

  private async runLocked(records: readonly ChunkRecord[]): Promise<RunOutcome> {
    const { store, shard } = this.options;
    if (this.dirty) this.reset();
    await this.catchUp();
    const fresh = records.filter((r) => r.offset >= (this.offsets.get(r.where) ?? 0));
    const outcome: RunOutcome = { applied: fresh.length, skipped: records.length - fresh.length, events: [] };
    const next = new Map<string, number>();
    for (const r of fresh) next.set(r.where, Math.max(next.get(r.where) ?? 0, r.offset + 1));
    if (fresh.length > 0) {
      const expectedSeq = this.seq;
      this.dirty = true;
      const applied: AppliedEvent[] = [];
      const lines: string[] = [];
      for (const r of fresh) {
        lines.push(encodeRecord(r.comment));
        for (const entry of this.feed(r.comment)) {
          outcome.events.push(entry.event);
          applied.push({
            incidentId: entry.event.incident_id,
            payload: JSON.stringify({
              k: entry.event.incident_id,
              t: entry.event.type,
              m: entry.event.member_keys,
              v: this.options.encode(entry.event).toString('base64'),
            } satisfies Queued),
            summary: entry.open === null ? null : JSON.stringify(entry.open),
            members: entry.event.member_keys,
          });
        }
      }
      const result = await store.apply(shard, {
        token: this.token,
        expectedSeq,
        records: lines,
        offsets: next,
        events: applied,
        trimTo: this.trimTo(expectedSeq + lines.length),
        memberTtlSeconds: this.options.memberTtlSeconds,
      });
      if (!result.ok) {
        // Another process wrote first (our lock expired meanwhile): nothing of ours was written.
        throw busy(`incident shard ${shard}: ${result.reason} at ${result.seq}`);
      }
      this.seq = result.seq;
      for (const [where, offset] of next) this.offsets.set(where, offset);
      this.dirty = false;
    }
    await this.publish();
    return outcome;
  }

  /** Publishes what the shard's outbox holds; must resolve only once the broker has it. */
  publisher?: (messages: { key: string; value: Buffer }[]) => Promise<void>;
  /**
   * What must happen before events are published (the members' consequences); repeated after a crash
   * between it and the acknowledgement, so it must be idempotent.
   */
  beforePublish?: (events: QueuedEvent[]) => Promise<void>;

  private async publish(): Promise<void> {
    const { store, shard } = this.options;
    for (;;) {
      const { published, payloads } = await store.outbox(shard, 500);
      if (payloads.length === 0) return;
      const queued = payloads.map((p) => JSON.parse(p) as Queued);
      await this.beforePublish?.(queued.map((q) => ({ incidentId: q.k, type: q.t, members: q.m })));
      await this.publisher?.(queued.map((q) => ({ key: q.k, value: Buffer.from(q.v, 'base64') })));
      await store.ack(shard, published + payloads.length);
    }
  }

  async release(): Promise<void> {
    await this.options.store.unlock(this.options.shard, this.token);
  }

  /** Records of the log this process's detector has read (for tests and logs). */
  get position(): number {
    return this.seq;
  }

  private async takeLock(): Promise<void> {
    const { store, shard, lockTtlMs } = this.options;
    const deadline = Date.now() + 2 * lockTtlMs;
    while (!(await store.lock(shard, this.token, lockTtlMs))) {
      if (Date.now() > deadline) throw busy(`incident shard ${shard}: lock held by another process`);
      await new Promise((r) => setTimeout(r, LOCK_WAIT_MS));
    }
  }

  private reset(): void {
    this.detector = new IncidentDetector(this.options.detector);
    this.book = new IncidentBook();
    this.seq = 0;
    this.offsets = new Map();
    this.times = [];
    this.timesBase = 0;
    this.clock = -Infinity;
    this.dirty = false;
  }

  /** Reads what other processes (or this one before a restart) appended since this detector's position. */
  private async catchUp(): Promise<void> {
    const { store, shard, logger } = this.options;
    const started = this.seq;
    for (;;) {
      const view = await store.read(shard, this.seq, READ_BATCH);
      if (view.base > this.seq) {
        // The log was trimmed past this detector (a start, or a long pause): it begins at the log's head.
        if (this.seq > 0)
          logger.warn({ shard, from: this.seq, base: view.base }, 'incident log trimmed past us');
        this.reset();
        this.seq = this.timesBase = view.base;
      }
      for (const line of view.records) this.feed(decodeRecord(line));
      this.seq += view.records.length;
      this.offsets = view.offsets;
      if (this.seq >= view.seq || view.records.length === 0) break;
    }
    if (this.seq - started > READ_BATCH)
      logger.info({ shard, records: this.seq - started }, 'incident log replayed');
  }

  private feed(comment: DetectorComment) {
    this.clock = Math.max(this.clock, comment.postedAt);
    this.times.push(comment.postedAt);
    return this.detector.process(comment).map((e) => this.book.take(e));
  }

  /** How far the log can be trimmed once `seq` records are in it. */
  private trimTo(seq: number): number {
    const before = this.clock - this.options.retentionMs;
    let n = 0;
    while (n < this.times.length && n < seq - this.timesBase && (this.times[n] as number) < before) n++;
    if (n < TRIM_STEP) return 0;
    this.times = this.times.slice(n);
    this.timesBase += n;
    return this.timesBase;
  }
}

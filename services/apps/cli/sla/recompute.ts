/**
 * `otklik sla recompute --policy FILE`: the open appeals of a prefix planned again under a changed policy
 * (docs/sla-policy.md "Policy changes and recompute"). A policy change alone applies to new appeals; this
 * moves the open ones, explicitly: every shard's open appeals (and open first-reply records without a
 * lifecycle state yet) are read, re-planned by core/sla/appeal.ts recomputeAppeal (from the times they
 * were counted from, keeping their pauses) and written through the lifecycle's fingerprinted path, so a
 * worker's write in between makes it read and decide again, and a second run moves nothing.
 */
import type { RedisClient } from '../../../adapters/redis/connect.js';
import { openAppealRefs } from '../../../adapters/redis/reader/open-appeals.js';
import { SlaStore } from '../../../adapters/redis/store/sla-store.js';
import type { SlaTarget } from '../../../core/sla/appeal-clock.js';
import type { PolicyConfig } from '../../../core/sla/policy.js';

/** Appeals read and re-planned at once: a few round trips in flight without holding Redis. */
const CONCURRENCY = 16;

export interface RecomputeExample {
  commentKey: string;
  target: SlaTarget;
  fromDueAt: number;
  toDueAt: number;
  overdueAtOnce: boolean;
}

export interface RecomputeReport {
  dryRun: boolean;
  /** Open appeals read (with a state or a first-reply record alone). */
  open: number;
  /** Of them, open first-reply records that had no lifecycle state yet. */
  fromRecords: number;
  /** Appeals with at least one deadline earlier or later. */
  appealsMoved: number;
  /** Deadlines earlier or later: `earlier` + `later`. */
  moved: number;
  earlier: number;
  later: number;
  /**
   * Deadlines written again at the same instant under another plan (the policy id, the warning time or
   * the escalation changed): not counted as moved.
   */
  replanned: number;
  /** Moved from not yet due to overdue at `now`: the sweeper breaches them at once. */
  overdueAtOnce: number;
  /** Appeals whose subject the new policy gives no SLA: closed as not actionable. */
  closed: number;
  now: number;
  examples: RecomputeExample[];
}

export interface RecomputeOptions {
  redis: RedisClient;
  prefix: string;
  shards: number;
  retentionMs: number;
  /** The policy the roles planned the open appeals with (reads a first-reply record's warning time). */
  current: PolicyConfig;
  /** The policy to plan them under. */
  next: PolicyConfig;
  dryRun: boolean;
  /** How many moves to keep as examples. */
  examples: number;
}

export async function recomputeSla(o: RecomputeOptions): Promise<RecomputeReport> {
  const store = new SlaStore(o.redis, {
    prefix: o.prefix,
    shards: o.shards,
    retentionMs: o.retentionMs,
    policy: o.current,
  });
  const lifecycle = store.lifecycle!;
  // Redis's clock, as the sweeper's claims: "overdue at once" means what the next claim will see.
  const [s, us] = await o.redis.time();
  const now = Number(s) * 1000 + Math.floor(Number(us) / 1000);
  const report: RecomputeReport = {
    dryRun: o.dryRun,
    open: 0,
    fromRecords: 0,
    appealsMoved: 0,
    moved: 0,
    earlier: 0,
    later: 0,
    replanned: 0,
    overdueAtOnce: 0,
    closed: 0,
    now,
    examples: [],
  };
  const refs = await openAppealRefs(o.redis, store.keys, o.shards);
  let next = 0;
  const work = async () => {
    while (next < refs.length) {
      const ref = refs[next++]!;
      const done = await lifecycle.recompute(ref.shard, ref.key, o.next, now, o.dryRun);
      if (!done) continue;
      report.open++;
      if (done.fromRecord) report.fromRecords++;
      if (done.closed) report.closed++;
      if (done.moves.some((m) => m.toDueAt !== m.fromDueAt)) report.appealsMoved++;
      for (const m of done.moves) {
        if (m.toDueAt === m.fromDueAt) {
          report.replanned++;
          continue;
        }
        report.moved++;
        if (m.toDueAt < m.fromDueAt) report.earlier++;
        else report.later++;
        if (m.overdueAtOnce) report.overdueAtOnce++;
        if (report.examples.length < o.examples) report.examples.push({ commentKey: ref.key, ...m });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, work));
  return report;
}

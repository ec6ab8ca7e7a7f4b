/**
 * `otklik sla rebuild`: the SLA state of a prefix rebuilt from the log alone (docs/faults.md "Rebuild
 * from the log"). The classified topic gives every transition the workers applied (each comment with its
 * recorded deadline, at its classified_at), the input topic the deletes (which publish no classified
 * comment), the operator-actions topic every action (issue #16: pauses, final answers, corrections…, at
 * its record time), the alert topic every alert the sweepers published (at its fired_at, with its
 * target). They are replayed in
 * time order through the store's own scripts and the appeal lifecycle under the roles' policy, on a
 * clock set to those times (ReplayStore), into a
 * staging prefix; what was due at an alert's time is claimed and, when the topic says it was published,
 * acknowledged, as the sweeper did. The staging keys then take the place of the prefix's, with a new
 * state generation, and the roles start on them.
 */
import type { Kafka } from 'kafkajs';
import type { RedisClient } from '../../../adapters/redis/connect.js';
import { readLog, type LogRecord } from '../../../adapters/kafka/read-log.js';
import { ReplayStore } from '../../../adapters/redis/replay-store.js';
import { deleteMatching, slaKeyPattern, switchPrefix } from '../../../adapters/redis/prefix-switch.js';
import { assertLayoutVersion } from '../../../adapters/redis/redis-settings.js';
import { writeGeneration } from '../../../adapters/redis/state-generation.js';
import {
  createCommentDecoder,
  createOperatorActionDecoder,
  defaultCodecs,
} from '../../../core/contracts/index.js';
import { shardOf } from '../../../core/sla/shard.js';
import {
  alertSlotOf,
  deleteCommandOf,
  replayCommandOf,
  replaySteps,
  type PublishedAlert,
  type TimedAction,
  type TimedCommand,
} from '../../../core/sla/replay.js';
import type { PlanOptions } from '../../../core/sla/plan.js';
import type { PolicyConfig } from '../../../core/sla/policy.js';
import type { ContractReaders } from '../../../runtime/schema-readers.js';
import type { AppConfig } from '../../../runtime/config/load.js';

/** Alerts claimed per shard and call while replaying: the due items of one instant, in practice. */
const CLAIM_LIMIT = 10_000;

export interface RebuildReport {
  prefix: string;
  generation: string;
  classified: number;
  deletes: number;
  alerts: number;
  /** Messages that could not be read (not decodable): the worker dead-lettered them, or they are foreign. */
  skipped: number;
  steps: number;
  acked: number;
  keysReplaced: number;
  keysWritten: number;
}

export interface RebuildDeps {
  kafka: Kafka;
  redis: RedisClient;
  config: AppConfig;
  readers: ContractReaders;
  progress?: (line: string) => void;
}

/** The staging prefix of a rebuild of `prefix`: its keys are `<prefix>:rebuild:{shard}:…`. */
export const stagingPrefixOf = (prefix: string) => `${prefix}:rebuild`;

export async function rebuildSla({
  kafka,
  redis,
  config,
  readers,
  progress,
}: RebuildDeps): Promise<RebuildReport> {
  const { env, runtime, sla } = config;
  const prefix = env.OTKLIK_KEY_PREFIX;
  const shards = env.OTKLIK_SHARDS;
  const staging = stagingPrefixOf(prefix);
  const clockPrefix = `${prefix}:rebuild-clock:`;
  const plan: PlanOptions = { shards, excerptChars: runtime.excerptChars };
  const say = progress ?? (() => {});

  // Whatever an interrupted rebuild left: the log is read again from its start.
  await deleteMatching(redis, slaKeyPattern(staging));
  await deleteMatching(redis, `${clockPrefix}*`);

  let skipped = 0;
  const decoded = async <T>(records: LogRecord[], decode: (r: LogRecord) => T | null) => {
    await readers.preload(records);
    const out: T[] = [];
    for (const record of records) {
      try {
        const value = decode(record);
        if (value !== null) out.push(value);
      } catch {
        skipped++;
      }
    }
    return out;
  };

  const classified: TimedCommand[] = [];
  await readLog(kafka, env.OTKLIK_TOPIC_CLASSIFIED, async (records) => {
    for (const timed of await decoded(records, (r) => classifiedCommand(r, readers, sla, plan))) {
      classified.push(timed);
    }
  });
  say(`${classified.length} transitions from ${env.OTKLIK_TOPIC_CLASSIFIED}`);

  const alerts: PublishedAlert[] = [];
  await readLog(kafka, env.OTKLIK_TOPIC_ALERTS, async (records) => {
    for (const alert of await decoded(records, (r) => publishedAlert(r, readers))) alerts.push(alert);
  });
  say(`${alerts.length} alerts from ${env.OTKLIK_TOPIC_ALERTS}`);

  // The deletes, through the worker's own gate: a delete it dead-lettered was never applied.
  const decodeComment = createCommentDecoder(
    {
      maxTextBytes: runtime.limits.maxTextBytes,
      postedAtPastMs: runtime.limits.postedAtPastDays * 86_400_000,
      postedAtFutureMs: runtime.limits.postedAtFutureMinutes * 60_000,
      maxFieldBytes: runtime.limits.maxFieldBytes,
      extraRegions: runtime.limits.extraRegions,
    },
    { ...defaultCodecs(), commentEvent: { ...defaultCodecs().commentEvent, decode: readers.commentEvent } },
  );
  const deletes: TimedCommand[] = [];
  let inputSkipped = 0;
  await readLog(kafka, env.OTKLIK_TOPIC_COMMENTS, async (records) => {
    await readers.preload(records);
    for (const r of records) {
      try {
        const command = deleteCommandOf(decodeComment(r.value, r.headers, r.timestamp), plan);
        if (command) deletes.push({ at: r.timestamp, command });
      } catch {
        // Bad input: the worker dead-lettered it; it changed no SLA.
        inputSkipped++;
      }
    }
  });
  say(
    `${deletes.length} deletes from ${env.OTKLIK_TOPIC_COMMENTS} (${inputSkipped} undecodable inputs left out)`,
  );

  // The operator actions, through the worker's own gate at the time each was read (a refused one was
  // dead-lettered and changed nothing); a prefix whose roles never had the topic has none.
  const decodeAction = createOperatorActionDecoder(undefined, {
    ...defaultCodecs(),
    operatorAction: { ...defaultCodecs().operatorAction, decode: readers.operatorAction },
  });
  const actions: TimedAction[] = [];
  let actionsSkipped = 0;
  await readLog(kafka, env.OTKLIK_TOPIC_ACTIONS, async (records) => {
    await readers.preload(records);
    for (const r of records) {
      try {
        const action = decodeAction(r.value, r.headers, r.timestamp);
        const command = {
          kind: 'action',
          commentKey: action.comment_key,
          shard: shardOf(action.comment_key, shards),
          action,
        } as const;
        actions.push({ at: r.timestamp, command });
      } catch {
        actionsSkipped++;
      }
    }
  }).catch((error: Error) => {
    if (!/does not exist/.test(error.message)) throw error;
  });
  say(
    `${actions.length} operator actions from ${env.OTKLIK_TOPIC_ACTIONS} (${actionsSkipped} refused by the gate)`,
  );

  const steps = replaySteps(classified, deletes, alerts, actions);
  const published = new Set(alerts.map(alertSlotOf));
  const replay = new ReplayStore(
    redis,
    // The roles' policy: official replies start final answers and actions step appeals, as in the worker.
    { prefix: staging, shards, retentionMs: runtime.retentionDays * 86_400_000, policy: sla },
    clockPrefix,
  );
  await assertLayoutVersion(redis, staging, shards);
  const allShards = Array.from({ length: shards }, (_, shard) => shard);
  let acked = 0;
  for (const step of steps) {
    await replay.setClock(step.at);
    if (step.kind === 'apply') {
      await replay.store.apply(step.commands);
      continue;
    }
    if (step.kind === 'act') {
      await replay.store.act(step.commands);
      continue;
    }
    // As the sweepers did at this instant: claim what is due, acknowledge what was published. A claim
    // that was not published stays leased for 0 ms, so the next claim (the roles' sweeper's) hands it
    // out again; an acknowledgement may make the next alert due at once (escalations caught up).
    for (;;) {
      const claims = await replay.store.claimDueMany(allShards, CLAIM_LIMIT, 0);
      const toAck = claims.flatMap((c) => c.alerts).filter((a) => published.has(alertSlotOf(a)));
      if (toAck.length === 0) break;
      const results = await replay.store.ackAlerts(toAck);
      acked += results.filter(Boolean).length;
    }
  }
  await replay.deleteClock();
  say(`${steps.length} replay steps, ${acked} alerts acknowledged`);

  // The rebuilt keyspace gets a generation of its own: roles still running on the old one stop.
  const generation = await writeGeneration(redis, staging, shards, { replace: true });
  const { deleted, moved } = await switchPrefix(redis, staging, prefix);
  say(`${deleted} keys of ${prefix} replaced by ${moved} rebuilt keys`);
  return {
    prefix,
    generation,
    classified: classified.length,
    deletes: deletes.length,
    alerts: alerts.length,
    skipped: skipped + inputSkipped + actionsSkipped,
    steps: steps.length,
    acked,
    keysReplaced: deleted,
    keysWritten: moved,
  };
}

function classifiedCommand(
  record: LogRecord,
  readers: ContractReaders,
  policies: PolicyConfig,
  plan: PlanOptions,
): TimedCommand | null {
  if (!record.value) return null;
  const classified = readers.classifiedComment(record.value);
  const command = replayCommandOf(classified, policies, plan);
  return command ? { at: classified.classified_at, command } : null;
}

function publishedAlert(record: LogRecord, readers: ContractReaders): PublishedAlert | null {
  if (!record.value) return null;
  const a = readers.slaAlert(record.value);
  return { commentKey: a.comment_key, kind: a.kind, level: a.level, target: a.target, firedAt: a.fired_at };
}

import { Command } from 'commander';
import { groupMemberCount } from '../../../adapters/kafka/group-members.js';
import { ConfigError, loadConfig } from '../../../runtime/config/load.js';
import { contractReadersOf } from '../../../runtime/schema-readers.js';
import {
  envOf,
  kafkaOf,
  nonNegativeNumber,
  redisOf,
  UsageError,
  type CliIo,
  type GlobalOptions,
} from '../context.js';
import { rebuildSla } from '../sla/rebuild.js';
import { recomputeSla, type RecomputeReport } from '../sla/recompute.js';
import { formatTime } from '../format.js';

/**
 * `otklik sla rebuild --stopped`: rebuilds the SLA state of OTKLIK_KEY_PREFIX from the topics alone and
 * puts it in place of what Redis holds (services/apps/cli/sla/rebuild.ts; docs/faults.md "Rebuild from
 * the log"). Reads the config file (OTKLIK_CONFIG) the roles run with: its policy and settings.
 */
export function slaCommand(io: CliIo): Command {
  const command = new Command('sla').description('the SLA state in Redis (docs/sla-engine.md)');
  command
    .command('rebuild')
    .description(
      'rebuild the SLA state of the prefix from the classified, alert and input topics and put it in ' +
        "place of Redis's, with every worker and sweeper stopped; then start the roles",
    )
    .option('--stopped', 'confirm that no worker or sweeper of this keyspace is running')
    .action(async (options: { stopped?: boolean }, sub: Command) => {
      const env = envOf(io, sub.optsWithGlobals<GlobalOptions>());
      let config;
      try {
        config = { ...loadConfig(io.env), env };
      } catch (e) {
        if (e instanceof ConfigError) throw new UsageError(e.message);
        throw e;
      }
      if (!options.stopped) {
        throw new UsageError(
          'sla rebuild replaces the SLA keys of the prefix: stop every worker and sweeper of this ' +
            'keyspace, then run it again with --stopped',
        );
      }
      const kafka = kafkaOf(io, env, 'sla-rebuild');
      const members = await groupMemberCount(kafka, env.OTKLIK_GROUP_ID);
      if (members > 0) {
        throw new UsageError(
          `the consumer group ${env.OTKLIK_GROUP_ID} still has ${members} member(s): stop the workers first`,
        );
      }
      if (env.REDIS_CLUSTER_NODES) {
        // Its key moves reach every master (tested), but the replay on a Cluster is not tested end to end.
        throw new UsageError(
          'otklik sla rebuild needs one Redis server or Sentinels; not yet a Redis Cluster',
        );
      }
      const redis = redisOf(env);
      const started = Date.now();
      try {
        const report = await rebuildSla({
          kafka,
          redis,
          config,
          readers: contractReadersOf(env),
          progress: (line) => io.err(line),
        });
        io.out(JSON.stringify({ ...report, seconds: Math.round((Date.now() - started) / 100) / 10 }));
      } finally {
        redis.disconnect();
      }
    });
  command
    .command('recompute')
    .description(
      'plan the open appeals of the prefix again under the policy of FILE (a config file as the roles ' +
        'read, its sla: section), keeping their pauses; idempotent; prints what moved',
    )
    .requiredOption('--policy <file>', 'the config file with the new sla: policy')
    .option('--dry-run', 'report what would move and write nothing')
    .option('--examples <n>', 'moves to show as examples', '5')
    .action(async (options: { policy: string; dryRun?: boolean; examples: string }, sub: Command) => {
      const env = envOf(io, sub.optsWithGlobals<GlobalOptions>());
      const examples = nonNegativeNumber(options.examples);
      let current;
      let next;
      try {
        // The roles' config (OTKLIK_CONFIG): the policy that planned the open records.
        current = loadConfig(io.env);
        // The new file, validated whole as a role would at its start.
        next = loadConfig({ ...io.env, OTKLIK_CONFIG: options.policy });
      } catch (e) {
        if (e instanceof ConfigError) throw new UsageError(e.message);
        throw e;
      }
      const redis = redisOf(env);
      const started = Date.now();
      try {
        const report = await recomputeSla({
          redis,
          prefix: env.OTKLIK_KEY_PREFIX,
          shards: env.OTKLIK_SHARDS,
          retentionMs: current.runtime.retentionDays * 86_400_000,
          current: current.sla,
          next: next.sla,
          dryRun: options.dryRun ?? false,
          examples: Math.floor(examples),
        });
        for (const line of describeRecompute(report)) io.err(line);
        io.out(JSON.stringify({ ...report, seconds: Math.round((Date.now() - started) / 100) / 10 }));
      } finally {
        redis.disconnect();
      }
    });
  return command;
}

/** The human part of the report (stderr): counts, then a few moves. */
function describeRecompute(r: RecomputeReport): string[] {
  const verb = r.dryRun ? 'would move' : 'moved';
  const lines = [
    `${r.open} open appeals (${r.fromRecords} first-reply records without a lifecycle state yet); ` +
      `${r.appealsMoved} ${verb}: ${r.moved} deadlines, ${r.earlier} earlier, ${r.later} later, ` +
      `${r.overdueAtOnce} overdue at once; ${r.replanned} re-planned at the same instant` +
      (r.closed ? `; ${r.closed} closed (the new policy gives their subject no SLA)` : ''),
  ];
  for (const e of r.examples) {
    lines.push(
      `  ${e.commentKey} ${e.target}: ${formatTime(e.fromDueAt)} -> ${formatTime(e.toDueAt)}` +
        (e.overdueAtOnce ? ' (overdue at once)' : ''),
    );
  }
  if (r.dryRun) lines.push('dry run: nothing written');
  return lines;
}

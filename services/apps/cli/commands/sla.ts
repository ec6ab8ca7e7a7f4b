import { Command } from 'commander';
import { groupMemberCount } from '../../../adapters/kafka/group-members.js';
import { ConfigError, loadConfig } from '../../../runtime/config/load.js';
import { contractReadersOf } from '../../../runtime/schema-readers.js';
import { envOf, kafkaOf, singleRedisOf, UsageError, type CliIo, type GlobalOptions } from '../context.js';
import { rebuildSla } from '../sla/rebuild.js';

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
      const redis = singleRedisOf(env, 'otklik sla rebuild');
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
  return command;
}

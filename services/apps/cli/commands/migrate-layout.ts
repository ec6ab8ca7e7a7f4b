import { Command } from 'commander';
import { migrateLayout } from '../../../adapters/redis/migrate-layout.js';
import { readLayoutVersions } from '../../../adapters/redis/redis-settings.js';
import { envOf, redisOf, UsageError, type CliIo, type GlobalOptions } from '../context.js';

interface MigrateOptions {
  stopped?: boolean;
  dryRun?: boolean;
}

/**
 * `otklik migrate-layout --stopped`: converts a keyspace of the previous SLA layout into the current one,
 * offline (services/adapters/redis/migrate-layout.ts; docs/sla-engine.md "Upgrading the layout").
 * Every worker and sweeper must be stopped first: `--stopped` says so, the command cannot see them.
 */
export function migrateLayoutCommand(io: CliIo): Command {
  return new Command('migrate-layout')
    .description(
      'convert the SLA keys in Redis from an earlier layout (v1 or v2) to the current one (v3), with every worker ' +
        'and sweeper stopped; idempotent, run it again after an interruption',
    )
    .option('--stopped', 'confirm that no worker or sweeper of this keyspace is running')
    .option('--dry-run', 'only report the layout of each shard')
    .action(async (options: MigrateOptions, command: Command) => {
      const env = envOf(io, command.optsWithGlobals<GlobalOptions>());
      const redis = redisOf(env);
      try {
        const versions = await readLayoutVersions(redis, env.OTKLIK_KEY_PREFIX, env.OTKLIK_SHARDS);
        const summary = new Map<string, number>();
        for (const v of versions) summary.set(v, (summary.get(v) ?? 0) + 1);
        io.err(
          `prefix ${env.OTKLIK_KEY_PREFIX}, ${env.OTKLIK_SHARDS} shards: ` +
            [...summary].map(([v, n]) => `${n} ${/^\d+$/.test(v) ? `v${v}` : v}`).join(', '),
        );
        if (options.dryRun) return;
        if (!options.stopped) {
          throw new UsageError(
            'migrate-layout rewrites the SLA keys in place: stop every worker and sweeper of this ' +
              'keyspace, then run it again with --stopped',
          );
        }
        const started = Date.now();
        const report = await migrateLayout(redis, {
          prefix: env.OTKLIK_KEY_PREFIX,
          shards: env.OTKLIK_SHARDS,
          onShard: (shard, records) => io.err(`shard ${shard}: ${records} open records converted`),
        });
        io.out(JSON.stringify({ ...report, seconds: Math.round((Date.now() - started) / 100) / 10 }));
      } finally {
        redis.disconnect();
      }
    });
}

import { Command } from 'commander';
import { decideGeneration } from '../../../core/state/generation.js';
import { groupHasCommitted } from '../../../adapters/kafka/committed-offsets.js';
import { readShardStates, writeGeneration } from '../../../adapters/redis/state-generation.js';
import { envOf, kafkaOf, redisOf, UsageError, type CliIo, type GlobalOptions } from '../context.js';

/**
 * `otklik state show | accept-loss`: what the roles' start check (services/runtime/state-guard.ts) sees,
 * and the operator's way out of a refusal once a loss of the SLA state is understood.
 */
export function stateCommand(io: CliIo): Command {
  const command = new Command('state').description(
    'the SLA state generation in Redis: show it, or accept a loss (docs/faults.md "State lost")',
  );
  command
    .command('show')
    .description('print what the roles would decide at start, as JSON')
    .action(async (_options, sub: Command) => {
      const env = envOf(io, sub.optsWithGlobals<GlobalOptions>());
      const redis = redisOf(env);
      try {
        const shards = await readShardStates(redis, env.OTKLIK_KEY_PREFIX, env.OTKLIK_SHARDS);
        const committed = await groupHasCommitted(
          kafkaOf(io, env, 'state'),
          env.OTKLIK_GROUP_ID,
          env.OTKLIK_TOPIC_COMMENTS,
        );
        const generations = [...new Set(shards.map((s) => s.generation))];
        io.out(
          JSON.stringify({
            prefix: env.OTKLIK_KEY_PREFIX,
            shards: env.OTKLIK_SHARDS,
            generations,
            group_has_committed: committed,
            decision: decideGeneration(shards, committed),
          }),
        );
      } finally {
        redis.disconnect();
      }
    });
  command
    .command('accept-loss')
    .description(
      'write a new state generation into every shard, so the roles start on the state Redis holds now; ' +
        'the deadlines of comments consumed before the loss are not restored',
    )
    .option('--yes', 'confirm that the loss is understood')
    .action(async (options: { yes?: boolean }, sub: Command) => {
      if (!options.yes) {
        throw new UsageError(
          'accept-loss makes the roles run on whatever Redis holds now: the deadlines lost with it will ' +
            'never alert; run it again with --yes to confirm',
        );
      }
      const env = envOf(io, sub.optsWithGlobals<GlobalOptions>());
      const redis = redisOf(env);
      try {
        const generation = await writeGeneration(redis, env.OTKLIK_KEY_PREFIX, env.OTKLIK_SHARDS, {
          replace: true,
        });
        io.out(JSON.stringify({ prefix: env.OTKLIK_KEY_PREFIX, generation }));
      } finally {
        redis.disconnect();
      }
    });
  return command;
}

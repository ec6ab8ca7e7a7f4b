/**
 * `otklik` (npm run otklik -- <command>): the operators' command line. Each command has --help.
 *
 *   produce <file>    replay a JSONL or CSV file of comments into the input topic at a given rate
 *   tail <stream>     follow decoded alerts or classified comments, readable or as JSON lines
 *   stats             the SLA counters from Redis as a table by region, category, priority
 *   dlq <command>     the dead-letter tool (services/apps/cli/dlq/dlq.ts), mounted as is
 *   topics <command>  create and describe the topics
 *   migrate-layout    convert the SLA keys of the previous Redis layout, with the system stopped
 *   state <command>   the SLA state generation: show it, or accept a loss of the state
 *   decisions <cmd>   record management decisions (add) and list them with their effect (list)
 *   act <key> <what>  send one operator action on an appeal (OperatorAction, issue #16)
 *   incidents [list|follow]  open incidents and campaigns from Redis, or follow their events
 *   corrections export  operators' corrections as labelled JSONL, with agreement per field
 *
 * Environment: the workers' variables (KAFKA_BROKERS, REDIS_URL, OTKLIK_TOPIC_*, OTKLIK_KEY_PREFIX,
 * OTKLIK_SHARDS, ...) with the same defaults. Results go to stdout; progress and notes to stderr.
 */
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { runDlqCli } from './dlq/dlq.js';
import { UsageError, type CliIo, type GlobalOptions } from './context.js';
import { maskUrlCredentials } from './credentials.js';
import { produceCommand } from './commands/produce.js';
import { statsCommand } from './commands/stats.js';
import { tailCommand } from './commands/tail.js';
import { topicsCommand } from './commands/topics.js';
import { migrateLayoutCommand } from './commands/migrate-layout.js';
import { stateCommand } from './commands/state.js';
import { decisionsCommand } from './commands/decisions.js';
import { actCommand } from './commands/act.js';
import { slaCommand } from './commands/sla.js';
import { incidentsCommand } from './commands/incidents.js';
import { correctionsCommand } from './commands/corrections.js';
import { VERSION } from '../../runtime/version.js';

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('otklik')
    .description("Otklik's command line: feed comments, follow alerts, read the SLA counters, manage topics.")
    .version(VERSION, '-V, --version', 'the release of Otklik (CHANGELOG.md)')
    .option('--brokers <host:port,...>', 'Kafka brokers (default: $KAFKA_BROKERS or 127.0.0.1:9092)')
    .option('--redis-url <url>', 'Redis, without a password (default: $REDIS_URL or redis://127.0.0.1:6379)')
    .option(
      '--redis-password-file <file>',
      "Redis password, read from this file (the URL's password otherwise)",
    )
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(maskUrlCredentials(s.trimEnd())),
    })
    .showHelpAfterError('(add --help for usage)');

  for (const command of [
    produceCommand(io),
    tailCommand(io),
    statsCommand(io),
    topicsCommand(io),
    migrateLayoutCommand(io),
    stateCommand(io),
    decisionsCommand(io),
    actCommand(io),
    slaCommand(io),
    incidentsCommand(io),
    correctionsCommand(io),
  ]) {
    program.addCommand(command);
  }
  program
    .command('dlq')
    .description('inspect the dead-letter topic and replay dead letters (otklik dlq --help)')
    .argument('[args...]', 'list | replay, with their options')
    .helpOption(false)
    .allowUnknownOption()
    .passThroughOptions()
    .action(async (args: string[], _options, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const brokers = globals.brokers ? ['--brokers', globals.brokers] : [];
      setExitCode(await runDlqCli([...brokers, ...args], io));
    });

  // Every command and subcommand reports to io and never exits the process itself.
  const configure = (command: Command) => {
    command.exitOverride().configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(maskUrlCredentials(s.trimEnd())),
    });
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

/** Runs the CLI on argv (without node and script) and returns the exit code; never calls process.exit. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    // No message shows a URL's password, whatever threw it.
    if (err instanceof UsageError) {
      io.err(`error: ${maskUrlCredentials(err.message)}`);
      return err.exitCode;
    }
    io.err(`error: ${maskUrlCredentials((err as Error).message)}`);
    return 1;
  }
}

/** The process entry, for `node dist/services/apps/cli/main.js`, `tsx services/apps/cli/main.ts` and the `otklik` binary (bin.mjs). */
export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    errIsTty: process.stderr.isTTY,
    errStream: process.stderr,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();

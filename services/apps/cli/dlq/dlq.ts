/**
 * `npm run dlq -- <command>`: inspect the dead-letter topic and replay dead letters to the input topic
 * after a fix. See docs/contracts.md "Inspecting and replaying".
 *
 *   list    [--limit N] [--scan N] [--code CODE...] [--json]
 *   replay  (--code CODE... | --dlq-offset P:O... | --source-offset [TOPIC:]P:O...) [--to TOPIC] [--dry-run] [--json]
 *
 * Environment: KAFKA_BROKERS, KAFKA_CLIENT_ID, OTKLIK_TOPIC_COMMENTS, OTKLIK_TOPIC_DLQ (defaults as for the
 * worker). Output goes to stdout; kafkajs warnings go to stderr.
 */
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import type { IHeaders, Kafka } from 'kafkajs';
import { destination, pino } from 'pino';
import { createKafka } from '../../../adapters/kafka/client.js';
import { createPlainProducer } from '../../../adapters/kafka/producer.js';
import { kafkaSecurityOf } from '../../../adapters/kafka/security.js';
import { maskUrlCredentials } from '../credentials.js';
import { terminalSafeJson } from '../terminal-safe.js';
import { envSchema } from '../../../runtime/config/env.js';
import {
  DEAD_LETTER_CODES,
  readDeadLetterHeaders,
  withoutDeadLetterHeaders,
} from '../../../core/contracts/index.js';
import {
  formatTable,
  isEmptySelection,
  latestPerSource,
  matchesSelection,
  newestFirst,
  parseOffsetRef,
  toDeadLetterView,
  type DeadLetterView,
  type ReplaySelection,
} from './dead-letters.js';
import { readTopic, topicExists, type TopicRecord } from './read-topic.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

interface GlobalOptions {
  brokers?: string;
  dlqTopic?: string;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CommanderError(2, 'dlq.option', `not a positive integer: ${value}`);
  return n;
}

function collect<T>(parse: (v: string) => T) {
  return (value: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(value)];
}

/** Codes outside the contracts' table are allowed (the worker may add its own), but must look like codes. */
function checkCode(code: string): string {
  if (!/^[A-Z][A-Z0-9_]*$/.test(code)) {
    const known = Object.keys(DEAD_LETTER_CODES).join(', ');
    throw new CommanderError(2, 'dlq.option', `not a code: ${code}; contract codes: ${known}`);
  }
  return code;
}

function offsetRef(allowTopic: boolean) {
  return (value: string) => {
    try {
      return parseOffsetRef(value, allowTopic);
    } catch (err) {
      throw new CommanderError(2, 'dlq.option', (err as Error).message);
    }
  };
}

interface Context {
  kafka: Kafka;
  dlqTopic: string;
  commentsTopic: string;
}

function context(io: CliIo, globals: GlobalOptions): Context {
  // The worker's own variables and defaults; the tool only needs the Kafka ones, but a bad value
  // anywhere is reported the same way the worker would.
  const parsed = envSchema.safeParse({
    ...io.env,
    ...(globals.brokers ? { KAFKA_BROKERS: globals.brokers } : {}),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid environment:\n  ${problems.join('\n  ')}`);
  }
  const env = parsed.data;
  const logger = pino({ level: io.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn' }, destination(2));
  const kafka = createKafka(
    { brokers: env.KAFKA_BROKERS, clientId: `${env.KAFKA_CLIENT_ID}-dlq-tool`, ...kafkaSecurityOf(env) },
    logger,
  );
  return {
    kafka,
    dlqTopic: globals.dlqTopic ?? env.OTKLIK_TOPIC_DLQ,
    commentsTopic: env.OTKLIK_TOPIC_COMMENTS,
  };
}

async function readDeadLetters(
  ctx: Context,
  io: CliIo,
  tailPerPartition: number | undefined,
): Promise<{ record: TopicRecord; view: DeadLetterView }[]> {
  const { records, incompletePartitions } = await readTopic(ctx.kafka, ctx.dlqTopic, { tailPerPartition });
  if (incompletePartitions.length) {
    io.err(
      `warning: stopped before the end of partition(s) ${incompletePartitions.join(', ')} of ${ctx.dlqTopic}`,
    );
  }
  const letters: { record: TopicRecord; view: DeadLetterView }[] = [];
  let foreign = 0;
  for (const record of records) {
    const view = toDeadLetterView(record.partition, record.message);
    if (view) letters.push({ record, view });
    else foreign++;
  }
  if (foreign)
    io.err(`note: ${foreign} record(s) in ${ctx.dlqTopic} carry no otklik.dlq.code and were skipped`);
  return letters;
}

async function list(
  io: CliIo,
  globals: GlobalOptions,
  options: { limit: number; scan: number; code?: string[]; json?: boolean },
) {
  const ctx = context(io, globals);
  const letters = await readDeadLetters(ctx, io, options.scan);
  const views = letters
    .map((l) => l.view)
    .filter((v) => !options.code?.length || options.code.includes(v.code))
    .sort(newestFirst)
    .slice(0, options.limit);
  if (options.json) io.out(terminalSafeJson(JSON.stringify(views, null, 2)));
  else if (views.length === 0) io.out(`no dead letters in ${ctx.dlqTopic}`);
  else io.out(formatTable(views));
}

async function replay(
  io: CliIo,
  globals: GlobalOptions,
  options: {
    code?: string[];
    dlqOffset?: ReplaySelection['dlqOffsets'];
    sourceOffset?: ReplaySelection['sourceOffsets'];
    to?: string;
    dryRun?: boolean;
    json?: boolean;
  },
): Promise<number> {
  const selection: ReplaySelection = {
    codes: options.code ?? [],
    dlqOffsets: options.dlqOffset ?? [],
    sourceOffsets: options.sourceOffset ?? [],
  };
  if (isEmptySelection(selection)) {
    io.err('replay needs at least one of --code, --dlq-offset, --source-offset');
    return 2;
  }
  const ctx = context(io, globals);
  const target = options.to ?? ctx.commentsTopic;
  const selected = latestPerSource(
    (await readDeadLetters(ctx, io, undefined)).filter((l) => matchesSelection(l.view, selection)),
  );
  // A truncated dead letter's value is a prefix of the original: replaying it would feed the worker a
  // message nobody sent. Refused whole (nothing is sent), naming each, so the operator can narrow the
  // selection or fetch the original from its source.
  const truncated = selected.filter(
    ({ record }) => readDeadLetterHeaders(record.message.headers as IHeaders | undefined)?.truncated,
  );
  if (truncated.length > 0) {
    for (const { record, view } of truncated) {
      const info = readDeadLetterHeaders(record.message.headers as IHeaders | undefined)?.truncated;
      io.err(
        `dead letter ${view.dlqPartition}:${view.dlqOffset} (source ${view.sourceTopic}:${view.sourcePartition}:${view.sourceOffset}) ` +
          `was written truncated (${info?.cut} cut; original value ${info?.originalSize} bytes, sha256 ${info?.originalSha256}): it cannot be replayed`,
      );
    }
    io.err(
      `refusing to replay: ${truncated.length} selected dead letter(s) were truncated; leave them out of the selection (e.g. --dlq-offset) and replay the rest`,
    );
    return 1;
  }
  if (!options.dryRun && selected.length > 0) {
    if (!(await topicExists(ctx.kafka, target))) {
      io.err(`topic ${target} does not exist`);
      return 1;
    }
    // Our producer, not kafkajs's retries: those can lose acked messages at a leader change (docs/faults.md).
    const producer = createPlainProducer(ctx.kafka);
    await producer.connect();
    try {
      await producer.send({
        topic: target,
        messages: selected.map(({ record: { message } }) => ({
          key: message.key,
          value: message.value,
          headers: withoutDeadLetterHeaders(message.headers as IHeaders | undefined),
        })),
      });
    } finally {
      await producer.disconnect();
    }
  }
  const views = selected.map((s) => s.view);
  if (options.json) {
    io.out(
      terminalSafeJson(JSON.stringify({ target, dryRun: Boolean(options.dryRun), replayed: views }, null, 2)),
    );
  } else {
    const verb = options.dryRun ? 'would replay' : 'replayed';
    io.out(`${verb} ${views.length} dead letter(s) to ${target}`);
    if (views.length) io.out(formatTable(views));
  }
  return 0;
}

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('dlq')
    .description('Inspect the dead-letter topic and replay dead letters to the input topic.')
    .option('--brokers <host:port,...>', 'Kafka brokers (default: $KAFKA_BROKERS or 127.0.0.1:9092)')
    .option('--dlq-topic <topic>', 'dead-letter topic (default: $OTKLIK_TOPIC_DLQ or otklik.comments.dlq.v1)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(maskUrlCredentials(s.trimEnd())),
    });

  program
    .command('list')
    .description('the most recent dead letters, newest first: time, code, source, key, DLQ position, reason')
    .addOption(new Option('--limit <n>', 'how many to show').argParser(positiveInt).default(20))
    .addOption(
      new Option('--scan <n>', 'how many records to read from the end of each partition')
        .argParser(positiveInt)
        .default(1000),
    )
    .option('--code <code>', 'only this code (repeatable)', collect(checkCode))
    .option('--json', 'print a JSON array instead of a table')
    .action(async (options, command: Command) => {
      await list(io, command.optsWithGlobals<GlobalOptions>(), options);
    });

  program
    .command('replay')
    .description(
      'send selected dead letters back to the input topic: original key, value, headers minus otklik.dlq.*',
    )
    .option('--code <code>', 'dead letters with this code (repeatable)', collect(checkCode))
    .option(
      '--dlq-offset <partition:offset>',
      'the dead letter at this DLQ position (repeatable)',
      collect(offsetRef(false)),
    )
    .option(
      '--source-offset <[topic:]partition:offset>',
      'the dead letter of this source message (repeatable)',
      collect(offsetRef(true)),
    )
    .option('--to <topic>', 'target topic (default: $OTKLIK_TOPIC_COMMENTS or otklik.comments.v1)')
    .option('--dry-run', 'show what would be replayed, send nothing')
    .option('--json', 'print JSON instead of a table')
    .action(async (options, command: Command) => {
      setExitCode(await replay(io, command.optsWithGlobals<GlobalOptions>(), options));
    });
  return program;
}

/** Runs the tool on argv (without node and script) and returns the exit code; never calls process.exit. */
export async function runDlqCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'dlq.option') io.err(`error: ${maskUrlCredentials(err.message)}`);
      return err.exitCode;
    }
    io.err(`error: ${maskUrlCredentials((err as Error).message)}`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const code = await runDlqCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
  });
  process.exitCode = code;
}

import { Command, Option } from 'commander';
import { destination, pino } from 'pino';
import {
  CATALOGUE_READERS,
  contractReadersOf,
  preloadWaiting,
  type ContractReaders,
} from '../../../runtime/schema-readers.js';
import { envOf, kafkaOf, positiveInt, UsageError, type CliIo, type GlobalOptions } from '../context.js';
import { formatAlertLine, formatClassifiedLine } from '../format.js';
import { followTopic, type StartAt } from '../kafka/follow-topic.js';
import { terminalSafe, terminalSafeJson } from '../terminal-safe.js';

interface TailOptions {
  fromBeginning?: boolean;
  last?: number;
  limit?: number;
  timeout?: number;
  json?: boolean;
  region?: string;
  category?: string;
  priority?: string;
  topic?: string;
}

export type Stream = 'alerts' | 'classified';

export interface Decoded {
  region: string;
  category: string;
  priority: string;
  json: unknown;
  line: string;
}

/** `readers`: contractReadersOf(env), the registry's writer schemas in registry mode (its ids). */
export function decoderOf(
  stream: Stream,
  readers: Pick<ContractReaders, 'classifiedComment' | 'slaAlert'> = CATALOGUE_READERS,
): (value: Buffer) => Decoded {
  if (stream === 'alerts') {
    return (value) => {
      const a = readers.slaAlert(value);
      return {
        region: a.region,
        category: a.category,
        priority: a.priority,
        json: a,
        line: formatAlertLine(a),
      };
    };
  }
  return (value) => {
    const c = readers.classifiedComment(value);
    return {
      region: c.comment.region,
      category: c.classification.category,
      priority: c.classification.priority,
      json: c,
      line: formatClassifiedLine(c),
    };
  };
}

async function tail(io: CliIo, globals: GlobalOptions, stream: Stream, options: TailOptions) {
  if (options.fromBeginning && options.last) throw new UsageError('use either --from-beginning or --last');
  const env = envOf(io, globals);
  const topic =
    options.topic ?? (stream === 'alerts' ? env.OTKLIK_TOPIC_ALERTS : env.OTKLIK_TOPIC_CLASSIFIED);
  const startAt: StartAt = options.fromBeginning
    ? 'beginning'
    : options.last
      ? { lastPerPartition: options.last }
      : 'end';
  // In registry mode the roles write the registry's ids: each writer schema is fetched by id.
  const readers = contractReadersOf(env);
  const decode = decoderOf(stream, readers);
  const logger = pino({ level: 'warn' }, destination(2));
  let shown = 0;
  let undecodable = 0;
  let stopping = false;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve)).then(() => {
    stopping = true;
  });

  const followed = await followTopic(kafkaOf(io, env, 'tail'), topic, startAt, async (message, partition) => {
    if (options.limit !== undefined && shown >= options.limit) return;
    let decoded: Decoded;
    try {
      // A registry that does not answer is waited for (a warning per attempt), not skipped past.
      await preloadWaiting(readers, [message], { logger, stopped: () => stopping });
      decoded = decode(message.value ?? Buffer.alloc(0));
    } catch (e) {
      undecodable++;
      io.err(terminalSafe(`skipped ${topic}[${partition}]@${message.offset}: ${(e as Error).message}`));
      return;
    }
    if (options.region && decoded.region !== options.region) return;
    if (options.category && decoded.category !== options.category) return;
    if (options.priority && decoded.priority !== options.priority) return;
    shown++;
    io.out(printedLine(decoded, Boolean(options.json)));
    if (options.limit !== undefined && shown >= options.limit) finish();
  });
  const timer = options.timeout ? setTimeout(finish, options.timeout * 1000) : undefined;
  const onSignal = () => finish();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (!options.json) io.err(`following ${topic} (${describeStart(startAt)}); Ctrl-C stops`);
  try {
    await finished;
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await followed.stop();
  }
  if (!options.json) io.err(`${shown} shown${undecodable ? `, ${undecodable} undecodable skipped` : ''}`);
}

/** What tail prints for a message: nothing from it reaches the terminal raw (see terminal-safe.ts). */
export function printedLine(decoded: Decoded, json: boolean): string {
  return json ? terminalSafeJson(JSON.stringify(decoded.json, bigintAsNumber)) : terminalSafe(decoded.line);
}

/** Longs beyond the safe-integer range arrive as bigint; JSON has no such type. */
function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

function describeStart(startAt: StartAt): string {
  if (startAt === 'beginning') return 'from the beginning';
  if (startAt === 'end') return 'new messages only';
  return `the last ${startAt.lastPerPartition} of each partition, then new ones`;
}

export function tailCommand(io: CliIo): Command {
  return new Command('tail')
    .description('follow decoded SLA alerts or classified comments, readable or as JSON lines')
    .addArgument(new Command().createArgument('<stream>', 'what to follow').choices(['alerts', 'classified']))
    .option('--from-beginning', 'start at the beginning of the topic (default: only new messages)')
    .addOption(
      new Option('--last <n>', 'start with the last N messages of each partition').argParser(positiveInt),
    )
    .addOption(new Option('--limit <n>', 'stop after N messages').argParser(positiveInt))
    .addOption(new Option('--timeout <seconds>', 'stop after this many seconds').argParser(positiveInt))
    .option('--region <code>', 'only this region code')
    .option('--category <category>', 'only this category')
    .option('--priority <priority>', 'only this priority')
    .option('--topic <topic>', 'read this topic instead of $OTKLIK_TOPIC_ALERTS / $OTKLIK_TOPIC_CLASSIFIED')
    .option('--json', 'one JSON object a line (longs as numbers)')
    .action(async (stream: Stream, options: TailOptions, command: Command) => {
      await tail(io, command.optsWithGlobals<GlobalOptions>(), stream, options);
    });
}

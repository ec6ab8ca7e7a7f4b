import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { createPlainProducer } from '../../../adapters/kafka/producer.js';
import { destination, pino } from 'pino';
import { defaultCodecs, JSON_CONTENT_TYPE, CONTENT_TYPE_HEADER } from '../../../core/contracts/index.js';
import { startRegistryMode } from '../../../runtime/schema-registry.js';
import { commentKeyOf } from '../../../core/sla/shard.js';
import { envOf, kafkaOf, nonNegativeNumber, UsageError, type CliIo, type GlobalOptions } from '../context.js';
import { rebaseTimes, toCommentEvent } from '../input/comment-input.js';
import { formatOf, idPrefixOf, parseComments } from '../input/read-comments.js';
import { dueBy, tickMs } from '../pacer.js';

interface ProduceOptions {
  rate: number;
  topic?: string;
  format: 'avro' | 'json';
  inputFormat?: string;
  idPrefix?: string;
  rebaseTime?: boolean;
  skipInvalid?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export interface ProduceSummary {
  file: string;
  topic: string;
  rows: number;
  sent: number;
  invalid: number;
  seconds: number;
  ratePerSecond: number;
  byOp: Record<string, number>;
  dryRun: boolean;
}

const MAX_PROBLEMS_SHOWN = 20;
const UNLIMITED_CHUNK = 500;

async function produce(io: CliIo, globals: GlobalOptions, file: string, options: ProduceOptions) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const parsed = parseComments(
    text,
    formatOf(file, options.inputFormat),
    options.idPrefix ?? idPrefixOf(file),
  );
  for (const problem of parsed.problems.slice(0, MAX_PROBLEMS_SHOWN)) io.err(`${file}: ${problem.message}`);
  if (parsed.problems.length > MAX_PROBLEMS_SHOWN) {
    io.err(`${file}: ... and ${parsed.problems.length - MAX_PROBLEMS_SHOWN} more`);
  }
  if (parsed.problems.length && !options.skipInvalid) {
    throw new UsageError(
      `${parsed.problems.length} invalid row(s); nothing was sent (--skip-invalid sends the valid ones)`,
    );
  }
  const templates = options.rebaseTime ? rebaseTimes(parsed.templates, Date.now()) : parsed.templates;
  const env = envOf(io, globals);
  const topic = options.topic ?? env.OTKLIK_TOPIC_COMMENTS;
  const byOp: Record<string, number> = {};
  for (const t of templates) byOp[t.event.op] = (byOp[t.event.op] ?? 0) + 1;

  const started = Date.now();
  let sent = 0;
  if (!options.dryRun && templates.length > 0) {
    // Registry mode: Avro framed with the id the registry gives our CommentEvent, as the roles write
    // (a catalogue id would name some other schema there).
    const codecs =
      options.format === 'avro'
        ? ((await startRegistryMode(env, pino({ level: 'warn' }, destination(2))))?.codecs ?? defaultCodecs())
        : defaultCodecs();
    const producer = createPlainProducer(kafkaOf(io, env, 'produce'));
    await producer.connect();
    const bar = io.errIsTty
      ? new SingleBar({
          format: 'sending {bar} {value}/{total} comments | {rate}/s | eta {eta}s',
          stream: io.errStream ?? process.stderr,
          hideCursor: true,
        })
      : undefined;
    bar?.start(templates.length, 0, { rate: 0 });
    try {
      const tick = tickMs(options.rate);
      while (sent < templates.length) {
        const target = Math.min(
          dueBy(Date.now() - started, options.rate, templates.length),
          sent + UNLIMITED_CHUNK,
        );
        if (target > sent) {
          const now = Date.now();
          const chunk = templates.slice(sent, target).map((t) => toCommentEvent(t, now));
          await producer.send({
            topic,
            messages: chunk.map((event) => ({
              key: commentKeyOf(event.platform, event.comment_id),
              value:
                options.format === 'json'
                  ? Buffer.from(JSON.stringify(event))
                  : codecs.commentEvent.encode(event),
              headers: options.format === 'json' ? { [CONTENT_TYPE_HEADER]: JSON_CONTENT_TYPE } : {},
            })),
          });
          sent = target;
          const seconds = (Date.now() - started) / 1000;
          bar?.update(sent, { rate: seconds > 0 ? Math.round(sent / seconds) : sent });
        }
        if (sent < templates.length && tick > 0) await new Promise((r) => setTimeout(r, tick));
      }
    } finally {
      bar?.stop();
      await producer.disconnect();
    }
  }
  const seconds = (Date.now() - started) / 1000;
  const summary: ProduceSummary = {
    file,
    topic,
    rows: templates.length + parsed.problems.length,
    sent,
    invalid: parsed.problems.length,
    seconds: Math.round(seconds * 100) / 100,
    ratePerSecond: seconds > 0 ? Math.round(sent / seconds) : sent,
    byOp,
    dryRun: Boolean(options.dryRun),
  };
  if (options.json) io.out(JSON.stringify(summary));
  else {
    const ops = Object.entries(byOp)
      .map(([op, n]) => `${n} ${op}`)
      .join(', ');
    const verb = options.dryRun ? `would send ${templates.length}` : `sent ${sent}`;
    const timing = options.dryRun ? '' : ` in ${summary.seconds} s (${summary.ratePerSecond}/s)`;
    io.out(
      `${verb} of ${summary.rows} row(s) from ${file} to ${topic}${timing}` +
        `${ops ? `; ${ops}` : ''}${summary.invalid ? `; ${summary.invalid} invalid row(s) skipped` : ''}`,
    );
  }
}

export function produceCommand(io: CliIo): Command {
  return new Command('produce')
    .description(
      'replay a JSONL or CSV file of comments into the input topic at a given rate (see docs/ops.md for the defaults of missing fields)',
    )
    .argument('<file>', 'JSON lines (one CommentEvent-like object a line) or CSV with a header row')
    .addOption(
      new Option('--rate <n>', 'messages per second; 0 = as fast as possible')
        .argParser(nonNegativeNumber)
        .default(100),
    )
    .option('--topic <topic>', 'target topic (default: $OTKLIK_TOPIC_COMMENTS or otklik.comments.v1)')
    .addOption(
      new Option('--format <format>', 'wire format of the messages')
        .choices(['avro', 'json'])
        .default('avro'),
    )
    .addOption(
      new Option(
        '--input-format <format>',
        'input format (default: by extension, .csv or JSON lines)',
      ).choices(['jsonl', 'csv']),
    )
    .option('--id-prefix <prefix>', 'prefix of generated comment ids (default: the file name)')
    .option('--rebase-time', 'shift fixed posted_at times so the newest one is now, keeping their gaps')
    .option('--skip-invalid', 'send the valid rows even if some are invalid (they are listed on stderr)')
    .option('--dry-run', 'parse and validate only; send nothing')
    .option('--json', 'print the summary as one JSON object')
    .action(async (file: string, options: ProduceOptions, command: Command) => {
      await produce(io, command.optsWithGlobals<GlobalOptions>(), file, options);
    });
}

/**
 * `otklik decisions add|list`: record a management decision (published to the decisions topic, where
 * the analytics sink stores it; with --db also written straight into a stopped sink's file) and list
 * the recorded ones with their measured effect.
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { AnalyticsDb } from '../../../adapters/duckdb/analytics-db.js';
import { createReliableProducer } from '../../../adapters/kafka/producer.js';
import { ensureTopics } from '../../../adapters/kafka/topics.js';
import { decisionOf, encodeDecision } from '../../../core/analytics/decision.js';
import { CATEGORY_SYMBOLS } from '../../../core/contracts/schema-types.generated.js';
import { envOf, kafkaOf, UsageError, type CliIo, type GlobalOptions } from '../context.js';
import { formatTable } from '../format.js';

interface AddOptions {
  title: string;
  date: string;
  region: string;
  municipality?: string;
  category: string;
  theme?: string;
  incident?: string;
  db?: string;
}

function dayMs(text: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--date: expected YYYY-MM-DD, got ${text}`);
  return ms;
}

async function add(io: CliIo, globals: GlobalOptions, o: AddOptions): Promise<void> {
  if (!(CATEGORY_SYMBOLS as readonly string[]).includes(o.category))
    throw new UsageError(`--category: one of ${CATEGORY_SYMBOLS.join(', ')}`);
  if (!/^\d{2}$/.test(o.region)) throw new UsageError('--region: a two-digit region code');
  if (o.theme === undefined && o.incident === undefined)
    io.err(
      'note: no --theme and no --incident: the effect counts every complaint of the category in the place',
    );
  const env = envOf(io, globals);
  const decision = decisionOf(
    {
      title: o.title,
      decidedAtMs: dayMs(o.date),
      region: o.region,
      municipality: o.municipality ?? null,
      category: o.category,
      theme: o.theme ?? '',
      incidentId: o.incident ?? null,
    },
    Date.now(),
  );
  if (o.db !== undefined) {
    if (!existsSync(o.db)) throw new UsageError(`--db: no analytics database at ${o.db}`);
    const db = await AnalyticsDb.open(o.db);
    try {
      await db.writeDecisions([decision]);
    } finally {
      db.close();
    }
  }
  const kafka = kafkaOf(io, env, 'decisions');
  await ensureTopics(kafka, [
    {
      topic: env.OTKLIK_TOPIC_DECISIONS,
      numPartitions: 1,
      replicationFactor: env.OTKLIK_TOPIC_REPLICATION,
    },
  ]);
  const producer = createReliableProducer(kafka);
  await producer.connect();
  try {
    await producer.send({
      topic: env.OTKLIK_TOPIC_DECISIONS,
      messages: [{ key: decision.decision_id, value: encodeDecision(decision) }],
    });
  } finally {
    await producer.disconnect();
  }
  io.out(JSON.stringify(decision));
}

const EFFECT_RU: Record<string, string> = {
  fell: 'снизились',
  rose: 'выросли',
  unchanged: 'без изменений',
  too_early: 'рано судить',
};

async function list(io: CliIo, o: { db: string }): Promise<void> {
  if (!existsSync(o.db)) throw new UsageError(`--db: no analytics database at ${o.db}`);
  const db = await AnalyticsDb.open(o.db);
  try {
    const rows = (
      await db.connection.runAndReadAll(
        `SELECT decision_id, strftime(to_timestamp(decided_at_ms / 1000), '%Y-%m-%d') AS day, region,
           coalesce(municipality, '') AS municipality, category, array_to_string(theme_stems, ' ') AS theme,
           window_days, before, after, round(change_low, 2) AS low, round(change_high, 2) AS high, effect, title
         FROM measure_decision_effect ORDER BY decided_at_ms, decision_id`,
      )
    ).getRowObjectsJson();
    io.out(
      formatTable(
        [
          'id',
          'day',
          'region',
          'place',
          'category',
          'theme',
          'days',
          'before',
          'after',
          'Δ/day 95%',
          'effect',
          'title',
        ],
        rows.map((r) => [
          String(r.decision_id),
          String(r.day),
          String(r.region),
          String(r.municipality),
          String(r.category),
          String(r.theme),
          String(r.window_days),
          String(r.before),
          String(r.after),
          r.low === null ? '' : `${String(r.low)}..${String(r.high)}`,
          EFFECT_RU[String(r.effect)] ?? String(r.effect),
          String(r.title),
        ]),
      ),
    );
  } finally {
    db.close();
  }
}

export function decisionsCommand(io: CliIo): Command {
  const command = new Command('decisions').description('record management decisions and see their effect');
  command
    .command('add')
    .description('record a decision: published to $OTKLIK_TOPIC_DECISIONS, stored by the analytics sink')
    .requiredOption('--title <text>', 'what was decided')
    .requiredOption('--date <YYYY-MM-DD>', 'the day it was taken (UTC)')
    .requiredOption('--region <code>', 'two-digit region code')
    .option('--municipality <name>', 'the municipality, as the comments name it')
    .requiredOption('--category <category>', `one of ${CATEGORY_SYMBOLS.join(', ')}`)
    .option('--theme <words>', 'words of the problem, e.g. "отопление батареи" (matched by their stems)')
    .option('--incident <id>', 'the incident it answers')
    .option('--db <file>', "also write it into this analytics file (a stopped sink's)")
    .action(async (options: AddOptions, cmd: Command) =>
      add(io, cmd.optsWithGlobals<GlobalOptions>(), options),
    );
  command
    .command('list')
    .description('the recorded decisions with the complaint rate before and after each')
    .requiredOption('--db <file>', "the analytics file (a stopped sink's, or a copy)")
    .action(async (options: { db: string }) => list(io, options));
  return command;
}

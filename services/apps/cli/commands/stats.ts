import { Command, Option } from 'commander';
import { readCounterRows } from '../../../adapters/redis/reader/sla-reader.js';
import { readTargetCounterRows } from '../../../adapters/redis/reader/counter-reads.js';
import { SlaKeys } from '../../../adapters/redis/keys.js';
import { envOf, redisOf, UsageError, type CliIo, type GlobalOptions } from '../context.js';
import { formatTable, regionLabel } from '../format.js';
import { terminalSafeJson } from '../terminal-safe.js';
import { DIMENSIONS, groupCounters, type Dimension, type StatsGroup } from '../stats-table.js';

/** The appeal's targets (issue #16): the first reply, the final answer, the next reply. */
const TARGETS = { first: null, final: 'final_', next: 'next_' } as const;
type Target = keyof typeof TARGETS;
const TARGET_NAMES: Record<Target, string> = {
  first: 'first reply',
  final: 'final answer',
  next: 'next reply',
};

interface StatsOptions {
  by: Dimension[];
  target: Target;
  region?: string;
  category?: string;
  priority?: string;
  json?: boolean;
}

const COLUMNS = [
  ['opened', 'opened'],
  ['open', 'open'],
  ['overdue', 'overdue'],
  ['warned', 'warned'],
  ['breached', 'breached'],
  ['escalated', 'escalated'],
  ['answered_in_time', 'in time'],
  ['answered_late', 'late'],
  ['cancelled', 'cancelled'],
  ['not_actionable', 'no reply needed'],
] as const;

function parseDimensions(value: string): Dimension[] {
  const list = value
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  const wrong = list.filter((d) => !(DIMENSIONS as readonly string[]).includes(d));
  if (wrong.length || list.length === 0) {
    throw new UsageError(`--by takes a comma-separated list of ${DIMENSIONS.join(', ')}; got ${value}`);
  }
  return [...new Set(list)] as Dimension[];
}

function percent(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(1)}%`;
}

function tableRow(label: string[], group: StatsGroup): (string | number)[] {
  return [...label, ...COLUMNS.map(([metric]) => group.totals[metric]), percent(group.compliance)];
}

async function stats(io: CliIo, globals: GlobalOptions, options: StatsOptions) {
  const env = envOf(io, globals);
  const redis = redisOf(env);
  try {
    const keys = new SlaKeys(env.OTKLIK_KEY_PREFIX);
    const prefix = TARGETS[options.target];
    const rows = prefix
      ? await readTargetCounterRows(redis, keys, env.OTKLIK_SHARDS, prefix)
      : await readCounterRows(redis, keys, env.OTKLIK_SHARDS);
    const { groups, total } = groupCounters(rows, options.by, options);
    if (options.json) {
      io.out(terminalSafeJson(JSON.stringify({ target: options.target, by: options.by, groups, total })));
      return;
    }
    const label = (g: StatsGroup) =>
      options.by.map((d) => (d === 'region' ? regionLabel(g.key.region ?? '') : (g.key[d] ?? '')));
    io.out(
      formatTable(
        [...options.by, ...COLUMNS.map(([, title]) => title), 'compliance'],
        [
          ...groups.map((g) => tableRow(label(g), g)),
          tableRow(
            options.by.map((_, i) => (i === 0 ? 'TOTAL' : '')),
            total,
          ),
        ],
      ),
    );
    io.out(
      `\n${TARGET_NAMES[options.target]}; keys ${env.OTKLIK_KEY_PREFIX}:{0..${env.OTKLIK_SHARDS - 1}}; compliance = in time / (in time + late)`,
    );
  } finally {
    redis.disconnect();
  }
}

export function statsCommand(io: CliIo): Command {
  return new Command('stats')
    .description('the SLA counters from Redis as a table, grouped by region, category and/or priority')
    .addOption(
      new Option('--by <dimensions>', 'group by these, comma-separated: region, category, priority')
        .argParser(parseDimensions)
        .default(['region'] as Dimension[], 'region'),
    )
    .option('--region <code>', 'only this region code')
    .option('--category <category>', 'only this category')
    .option('--priority <priority>', 'only this priority')
    .addOption(
      new Option('--target <target>', "the appeal's target: first (reply), final (answer), next (reply)")
        .choices(Object.keys(TARGETS))
        .default('first'),
    )
    .option('--json', 'print the groups as one JSON object')
    .action(async (options: StatsOptions, command: Command) => {
      await stats(io, command.optsWithGlobals<GlobalOptions>(), options);
    });
}

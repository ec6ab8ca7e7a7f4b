/**
 * `npm run report -- --from 2026-11-01 --to 2026-11-30 [--region 54] --out DIR [--db FILE]`: the
 * analytics report of the days from..to (inclusive, UTC) from the sink's DuckDB file (OTKLIK_ANALYTICS_DB
 * unless --db). DuckDB lets one process hold a file: run it on a stopped sink's file, or on a copy.
 */
import { Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { AnalyticsDb } from '../../adapters/duckdb/analytics-db.js';
import { ConfigError, loadConfig } from '../../runtime/config/load.js';
import { writeReport } from './write.js';

const DAY_MS = 86_400_000;

function utcDay(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new InvalidArgumentError('expected a date as YYYY-MM-DD');
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`not a date: ${text}`);
  return ms;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('report')
    .requiredOption('--from <date>', 'first day (YYYY-MM-DD, UTC)', utcDay)
    .requiredOption('--to <date>', 'last day, inclusive (YYYY-MM-DD, UTC)', utcDay)
    .option('--region <code>', 'one region (two-digit code); every region with comments otherwise')
    .requiredOption('--out <dir>', 'folder for report.html, report.xlsx and report.pdf')
    .option('--db <file>', 'the analytics DuckDB file (default: OTKLIK_ANALYTICS_DB)')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const o = program.opts<{ from: number; to: number; region?: string; out: string; db?: string }>();
  if (o.to < o.from) throw new InvalidArgumentError('--to is before --from');
  const { env } = loadConfig();
  const file = o.db ?? env.OTKLIK_ANALYTICS_DB;
  if (!existsSync(file)) throw new InvalidArgumentError(`no analytics database at ${file}`);
  // Opening through AnalyticsDb brings a file written by an older sink up to the current views.
  const db = await AnalyticsDb.open(file);
  try {
    const started = performance.now();
    const written = await writeReport(db.connection, {
      period: { fromMs: o.from, toMs: o.to + DAY_MS },
      region: o.region,
      outDir: o.out,
      chromium: env.OTKLIK_CHROMIUM,
    });
    process.stdout.write(
      `${JSON.stringify({ ...written, report_s: Number(((performance.now() - started) / 1000).toFixed(2)) })}\n`,
    );
  } finally {
    db.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error & { code?: string }) => {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') process.exit(0);
    if (
      error instanceof InvalidArgumentError ||
      error instanceof ConfigError ||
      error.code?.startsWith('commander.')
    )
      process.stderr.write(`report: ${error.message}\n`);
    else process.stderr.write(`report: ${error.stack ?? error.message}\n`);
    process.exit(2);
  },
);

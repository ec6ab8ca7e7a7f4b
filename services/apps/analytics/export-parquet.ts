/**
 * `npm run analytics:export -- --out DIR [--db FILE]`: the analytics tables as Parquet, partitioned by
 * day and region (docs/analytics.md, "Past one machine"). Run it on a stopped sink's file or a copy.
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { AnalyticsDb } from '../../adapters/duckdb/analytics-db.js';
import { loadConfig } from '../../runtime/config/load.js';

async function main(argv: string[]): Promise<void> {
  const program = new Command('analytics:export')
    .requiredOption('--out <dir>', 'folder for the Parquet files')
    .option('--db <file>', 'the analytics DuckDB file (default: OTKLIK_ANALYTICS_DB)');
  program.parse(argv, { from: 'user' });
  const o = program.opts<{ out: string; db?: string }>();
  const file = o.db ?? loadConfig().env.OTKLIK_ANALYTICS_DB;
  if (!existsSync(file)) throw new Error(`no analytics database at ${file}`);
  const db = await AnalyticsDb.open(file);
  try {
    process.stdout.write(`${JSON.stringify({ out: o.out, rows: await db.exportParquet(o.out) })}\n`);
  } finally {
    db.close();
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`analytics:export: ${error.message}\n`);
  process.exit(2);
});

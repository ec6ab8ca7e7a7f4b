/**
 * `npm run chaos [-- --comments N] [--cluster] [--failover [--wait-replicas 0]] [--short]`: the
 * fault-injection run of docs/faults.md. `--failover`: Redis as a master with two replicas and three
 * Sentinels, the master SIGKILLed twice mid-stream; `--wait-replicas 0` turns the roles' WAIT off (the
 * comparison run: what a failover loses without it, in `counterDiff`).
 * Progress goes to stderr; stdout gets the table of expected against observed and, as its last line, a
 * JSON summary ({ comments, kills, restarts, exact, ... }). Exit code 0 only when the run was exact.
 */
import { runChaos } from './chaos.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const short = flag('short');
const cluster = flag('cluster');

const report = await runChaos({
  comments: value('comments', short ? 3_000 : 100_000),
  workers: 3,
  sweepers: 2,
  killEveryMs: value('kill-every-ms', short ? 2_500 : 4_000),
  restartBroker: !flag('no-broker-restart'),
  restartRedis: !flag('no-redis-restart'),
  cluster,
  failover: flag('failover'),
  waitReplicas: value('wait-replicas', 1),
  seed: value('seed', 7),
  plainProducer: flag('plain-producer'),
  settleTimeoutMs: value('settle-timeout-s', 600) * 1000,
  log: (line) => process.stderr.write(`chaos: ${line}\n`),
});
process.stdout.write(`${report.table}\n`);
const { table: _table, ...summary } = report;
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(report.exact ? 0 : 1);

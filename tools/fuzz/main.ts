/**
 * `npm run fuzz [-- --messages N --seed S --stall-seconds T --without CASE,... --keep]`: hostile
 * CommentEvents (tools/fuzz/generator.ts) sent to a real worker process on the broker and Redis of
 * KAFKA_BROKERS / REDIS_URL (else .otklik/stack.env), checked by tools/fuzz/harness.ts. Progress goes
 * to stderr; the last stdout line is JSON: messages, classified, dead_lettered, stalls, crashes, seed,
 * seconds, and the checks. Exit code 0 only with no stall, no crash and every check passing.
 */
import { runFuzz, runToken } from './harness.js';
import { requireStackEnv } from '../harness/stack-env.js';

const USAGE = `usage: npm run fuzz -- [options]
  --messages N        messages to send (default 100000)
  --seed S            generator seed (default: random, printed)
  --partitions P      partitions of the run's topics (default 3)
  --stall-seconds T   no commit for this long while messages wait is a stall (default 60)
  --drain-seconds T   longest wait for the lag to drain after the last send (default 900)
  --big-share F       share of hostile events with fields near or past a limit (default 0.08)
  --normal-share F    share of ordinary traffic (default 0.5)
  --without A,B       case names to leave out (e.g. big-region: messages whose region is over 16 KB)
  --max-field-bytes B cap on every string field of a hostile event (to look past a size cliff)
  --keep              keep the run's topics and Redis keys`;

function share(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!(value >= 0 && value <= 1)) throw new Error(`a share is a number from 0 to 1, got ${raw}`);
  return value;
}

function parse(argv: string[]) {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s) as [string, string | undefined];
    if (name === 'keep' || name === 'help') flags.add(name);
    else values.set(name, inline ?? (argv[++i] as string));
  }
  if (flags.has('help')) {
    console.log(USAGE);
    process.exit(0);
  }
  const known = [
    'messages',
    'seed',
    'partitions',
    'stall-seconds',
    'drain-seconds',
    'without',
    'big-share',
    'normal-share',
    'max-field-bytes',
  ];
  for (const name of values.keys())
    if (!known.includes(name)) throw new Error(`unknown option --${name}\n${USAGE}`);
  const num = (name: string, fallback: number) => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 0)
      throw new Error(`--${name} must be a whole number, got ${raw}`);
    return value;
  };
  return {
    messages: num('messages', 100_000),
    seed: num('seed', Math.floor(Math.random() * 2 ** 31)),
    partitions: num('partitions', 3),
    stallSeconds: num('stall-seconds', 60),
    drainSeconds: num('drain-seconds', 900),
    bigShare: share(values.get('big-share'), 0.08),
    normalShare: share(values.get('normal-share'), 0.5),
    maxFieldBytes: num('max-field-bytes', Number.MAX_SAFE_INTEGER),
    without: (values.get('without') ?? '').split(',').filter(Boolean),
    keep: flags.has('keep'),
  };
}

const options = parse(process.argv.slice(2));
const { brokers, redisUrl } = requireStackEnv();
const token = runToken(options.seed);
const log = (line: string) => process.stderr.write(`fuzz: ${line}\n`);
log(`seed ${options.seed} (run again with --seed ${options.seed}); run ${token}`);
const report = await runFuzz({
  messages: options.messages,
  seed: options.seed,
  token,
  env: {
    KAFKA_BROKERS: brokers,
    REDIS_URL: redisUrl,
    KAFKA_CLIENT_ID: token,
    OTKLIK_GROUP_ID: `${token}-workers`,
    OTKLIK_TOPIC_COMMENTS: `${token}.comments`,
    OTKLIK_TOPIC_CLASSIFIED: `${token}.classified`,
    OTKLIK_TOPIC_ALERTS: `${token}.alerts`,
    OTKLIK_TOPIC_DLQ: `${token}.dlq`,
    OTKLIK_TOPIC_ACTIONS: `${token}.actions`,
    OTKLIK_TOPIC_INCIDENTS: `${token}.incidents`,
    OTKLIK_TOPIC_PARTITIONS: String(options.partitions),
    OTKLIK_KEY_PREFIX: token,
    OTKLIK_SHARDS: '8',
    LOG_LEVEL: 'warn',
  },
  stallMs: options.stallSeconds * 1000,
  drainTimeoutMs: options.drainSeconds * 1000,
  without: options.without,
  bigShare: options.bigShare,
  normalShare: options.normalShare,
  maxFieldBytes: options.maxFieldBytes,
  keep: options.keep,
  log,
});
for (const failure of report.failures) log(`FAILED: ${failure}`);
const { failures, cases, workerProblems, ...summary } = report;
process.stdout.write(`cases (sent / dead-lettered / classified):\n`);
for (const [kind, c] of Object.entries(cases).sort()) {
  process.stdout.write(
    `  ${kind.padEnd(24)} ${String(c.sent).padStart(7)} ${String(c.dlq).padStart(7)} ${String(c.classified).padStart(7)}\n`,
  );
}
process.stdout.write(`worker warnings and errors (distinct, count):\n`);
for (const [line, n] of Object.entries(workerProblems))
  process.stdout.write(`  ${String(n).padStart(6)}  ${line}\n`);
const ok = report.stalls === 0 && report.crashes === 0 && Object.values(report.checks).every(Boolean);
process.stdout.write(`${JSON.stringify({ ...summary, ok, failures: failures.slice(0, 20) })}\n`);
process.exit(ok ? 0 : 1);

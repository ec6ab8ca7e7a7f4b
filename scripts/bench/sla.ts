/**
 * SLA engine figures on the local stack (`npm run stack:up` first): `npm run bench:sla [-- --items 200000]`.
 *
 *  1. registration: open commands in pipelined batches through SlaStore.apply (comments/s);
 *  2. memory per open item: INFO used_memory delta / items, for records with the shipped default excerpt
 *     (`--excerpt-chars`, default: the config's default) cut from synthetic Russian comments
 *     (scripts/bench/texts.ts), and again with no excerpt, plus the keyspace's MEMORY USAGE sum;
 *  3. alert lateness: with `--items` open items, `--due` of them fall due within the next minute; one real
 *     Sweeper (default options) claims, publishes to a Kafka topic and acks them; lateness is
 *     fired_at - due_at (fired_at is the Redis time of the claim) and, separately, the time the broker
 *     had confirmed the alert minus due_at.
 *
 * Everything lives under a unique key prefix and topic, deleted at the end. The last stdout line is JSON.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createKafka } from '../../services/adapters/kafka/client.js';
import { ensureTopics } from '../../services/adapters/kafka/topics.js';
import { assertNoEviction } from '../../services/adapters/redis/eviction-policy.js';
import { SlaStore } from '../../services/adapters/redis/sla-store.js';
import type { OpenSlaCommand } from '../../services/core/sla/commands.js';
import { excerptOf } from '../../services/core/sla/plan.js';
import { DEFAULT_EXCERPT_CHARS } from '../../services/config/load.js';
import { createTextGenerator } from './texts.js';
import { commentKeyOf, shardOf } from '../../services/core/sla/shard.js';
import { Sweeper } from '../../services/sweeper/sweeper.js';
import {
  CATEGORY_SYMBOLS,
  type Platform,
  type Priority,
} from '../../services/core/contracts/schema-types.generated.js';

const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '1000000' },
    due: { type: 'string', default: '10000' },
    shards: { type: 'string', default: '16' },
    'excerpt-chars': { type: 'string', default: String(DEFAULT_EXCERPT_CHARS) },
    batch: { type: 'string', default: '1000' },
    'in-flight': { type: 'string', default: '4' },
    'skip-excerpt': { type: 'boolean', default: false },
  },
});
const ITEMS = Number(args.items);
const DUE = Math.min(Number(args.due), ITEMS);
const SHARDS = Number(args.shards);
const EXCERPT_CHARS = Number(args['excerpt-chars']);
const BATCH = Number(args.batch);
const IN_FLIGHT = Number(args['in-flight']);

function stackEnv(): Record<string, string> {
  const file = join(
    process.env.OTKLIK_STATE_DIR ?? join(import.meta.dirname, '..', '..', '.otklik'),
    'stack.env',
  );
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('=') && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}
const env = stackEnv();
const REDIS_URL = process.env.REDIS_URL ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BROKERS = process.env.KAFKA_BROKERS ?? env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const RUN = `bench-sla-${randomBytes(4).toString('hex')}`;
const log = (msg: string) => process.stderr.write(`[bench:sla] ${msg}\n`);

// ---- realistic comments, made up here -------------------------------------------------------------
const texts = createTextGenerator(42);
/** The text of a comment that opens an SLA (complaints, questions, suggestions; no thanks or spam). */
function actionableText(): string {
  for (;;) {
    const { text, intent } = texts.next();
    if (intent === 'complaint' || intent === 'question' || intent === 'suggestion') return text;
  }
}
const PLATFORMS: [Platform, number][] = [
  ['VK', 0.6],
  ['OK', 0.15],
  ['TELEGRAM', 0.15],
  ['MAX', 0.1],
];
const PRIORITIES: [Priority, number, number][] = [
  // priority, share, target ms (the default policy)
  ['critical', 0.05, 3_600_000],
  ['high', 0.15, 7_200_000],
  ['normal', 0.5, 14_400_000],
  ['low', 0.3, 86_400_000],
];
let seed = 42;
const rand = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
const pick = <T>(weighted: [T, number, ...unknown[]][]): [T, number, ...unknown[]] => {
  let r = rand();
  for (const w of weighted) if ((r -= w[1]) < 0) return w;
  return weighted[weighted.length - 1] as [T, number];
};
const id12 = () =>
  (rand() * 36 ** 6).toString(36).slice(0, 6).padStart(6, '0') +
  (rand() * 36 ** 6).toString(36).slice(0, 6).padStart(6, '0');

/**
 * An open command posted within its target under the default policy, so that warn_at (75 %) or due_at
 * is its next alert; with `dueAt`, a comment whose BREACH (no WARNING, no escalation) falls at `dueAt`.
 */
function openCommand(now: number, excerptChars: number, dueAt?: number): OpenSlaCommand {
  const platform = pick(PLATFORMS)[0];
  const [priority, , target] = pick(PRIORITIES) as [Priority, number, number];
  const commentId = id12();
  const key = commentKeyOf(platform, commentId);
  const page = 100_000 + Math.floor(rand() * 900_000);
  // A VK-style wall post thread and the comment's link to it.
  const threadId = `-${page}_${Math.floor(rand() * 100_000)}`;
  // Background items fall due 30 minutes after `now` at the earliest, so none does during the run.
  const postedAt = dueAt === undefined ? now - Math.floor(rand() * (target - 1_800_000)) : now - 1_000;
  const due = dueAt ?? postedAt + target;
  return {
    kind: 'open',
    commentKey: key,
    shard: shardOf(key, SHARDS),
    platform,
    commentId,
    threadId,
    pageId: `club${page}`,
    region: String(1 + Math.floor(rand() * 89)).padStart(2, '0'),
    municipality: String(50_701_000 + Math.floor(rand() * 400) * 1000),
    category: CATEGORY_SYMBOLS[Math.floor(rand() * CATEGORY_SYMBOLS.length)] as OpenSlaCommand['category'],
    priority,
    postedAt,
    // A WARNING time less than 30 minutes ahead is skipped (as if it had fired before the run): the next
    // alert is then the BREACH, at least 30 minutes ahead too.
    warnAt:
      dueAt === undefined && postedAt + target * 0.75 > now + 1_800_000
        ? postedAt + Math.floor(target * 0.75)
        : due,
    dueAt: due,
    policyId: `default/${priority}`,
    escalationIntervalMs: dueAt === undefined ? 3_600_000 : 0,
    maxEscalationLevel: dueAt === undefined ? 3 : 0,
    excerpt: excerptChars > 0 ? excerptOf(actionableText(), excerptChars) : '',
    url: `https://vk.com/wall${threadId}?reply=${commentId}`,
  };
}

// ---- Redis helpers --------------------------------------------------------------------------------
async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
}
async function settledMemory(redis: Redis): Promise<number> {
  await new Promise((r) => setTimeout(r, 300));
  return usedMemory(redis);
}
async function scanKeys(redis: Redis, prefix: string, each: (keys: string[]) => Promise<void>) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 2000);
    cursor = next;
    if (keys.length) await each(keys);
  } while (cursor !== '0');
}
async function keyspaceBytes(redis: Redis, prefix: string) {
  let bytes = 0;
  let keys = 0;
  await scanKeys(redis, prefix, async (batch) => {
    const p = redis.pipeline();
    for (const k of batch) p.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
    for (const [, v] of (await p.exec()) ?? []) bytes += Number(v);
    keys += batch.length;
  });
  return { bytes, keys };
}
async function deletePrefix(redis: Redis, prefix: string) {
  await scanKeys(redis, prefix, async (batch) => {
    await redis.unlink(...batch);
  });
}

/** Calls and microseconds Redis spent in EVALSHA so far (INFO commandstats). */
async function evalshaStats(redis: Redis): Promise<{ calls: number; usec: number }> {
  const line = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await redis.info('commandstats'));
  return { calls: Number(line?.[1] ?? 0), usec: Number(line?.[2] ?? 0) };
}

async function register(store: SlaStore, commands: OpenSlaCommand[]): Promise<number> {
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < commands.length) {
      const batch = commands.slice(next, (next += BATCH));
      const outcomes = await store.apply(batch);
      if (outcomes.some((o) => o !== 'OPENED'))
        throw new Error(`unexpected outcome ${outcomes.find((o) => o !== 'OPENED')}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return commands.length / ((performance.now() - started) / 1000);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

// ---- the run --------------------------------------------------------------------------------------
async function measureMemory(redis: Redis, excerptChars: number, prefix: string) {
  const store = new SlaStore(redis, { prefix, shards: SHARDS, retentionMs: 86_400_000 });
  const now = Date.now();
  const commands = Array.from({ length: ITEMS }, () => openCommand(now, excerptChars));
  const before = await settledMemory(redis);
  const statsBefore = await evalshaStats(redis);
  const perSecond = await register(store, commands);
  const statsAfter = await evalshaStats(redis);
  const after = await settledMemory(redis);
  const keyspace = await keyspaceBytes(redis, prefix);
  return {
    store,
    perSecond,
    // Redis time per open (wall time inside Redis of the apply_batch calls, each carrying many opens;
    // other scripts on the server add in too).
    redisUsPerOpen: (statsAfter.usec - statsBefore.usec) / ITEMS,
    callsPerOpen: (statsAfter.calls - statsBefore.calls) / ITEMS,
    bytesPerItem: (after - before) / ITEMS,
    keyspaceBytesPerItem: keyspace.bytes / ITEMS,
    keys: keyspace.keys,
  };
}

async function main() {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  const prefixPlain = `${RUN}:plain`;
  const prefixExcerpt = `${RUN}:excerpt`;
  const topic = `${RUN}.alerts`;
  const logger = pino({ level: 'silent' });
  const kafka = createKafka({ brokers: [BROKERS], clientId: RUN }, logger);
  const result: Record<string, unknown> = { items: ITEMS, due: DUE, shards: SHARDS, redis_url: REDIS_URL };
  try {
    // Evicted keys would make the figures (and the alerts) wrong.
    await assertNoEviction(redis);
    const [s, us] = await redis.time();
    const skew = Number(s) * 1000 + Math.floor(Number(us) / 1000) - Date.now();
    if (Math.abs(skew) > 50) log(`warning: Redis clock is ${skew} ms off this machine's`);

    let withExcerpt: Awaited<ReturnType<typeof measureMemory>> | undefined;
    if (!args['skip-excerpt'] && EXCERPT_CHARS > 0) {
      log(`registering ${ITEMS} open items with a ${EXCERPT_CHARS}-char excerpt`);
      withExcerpt = await measureMemory(redis, EXCERPT_CHARS, prefixExcerpt);
      log(`  ${Math.round(withExcerpt.perSecond)} /s, ${withExcerpt.bytesPerItem.toFixed(1)} bytes/item`);
      await deletePrefix(redis, prefixExcerpt);
    }

    log(`registering ${ITEMS - DUE} open items without excerpt, then ${DUE} falling due within a minute`);
    const plain = await measureMemory(redis, 0, prefixPlain);
    log(
      `  ${Math.round(plain.perSecond)} /s, ${plain.bytesPerItem.toFixed(1)} bytes/item (INFO), ${plain.keyspaceBytesPerItem.toFixed(1)} (MEMORY USAGE, ${plain.keys} keys)`,
    );
    Object.assign(result, {
      // The shipped configuration (with its default excerpt) is the headline; no excerpt alongside.
      register_per_s: Math.round(Math.min(plain.perSecond, withExcerpt?.perSecond ?? Infinity)),
      register_per_s_no_excerpt: Math.round(plain.perSecond),
      register_per_s_with_excerpt: withExcerpt ? Math.round(withExcerpt.perSecond) : null,
      redis_us_per_open: Math.round(plain.redisUsPerOpen * 10) / 10,
      redis_us_per_open_with_excerpt: withExcerpt ? Math.round(withExcerpt.redisUsPerOpen * 10) / 10 : null,
      script_calls_per_open: Math.round(plain.callsPerOpen * 1000) / 1000,
      load_average: os.loadavg().map((l) => Math.round(l * 10) / 10),
      cpus: os.cpus().length,
      bytes_per_open_item: Math.round((withExcerpt ?? plain).bytesPerItem * 10) / 10,
      bytes_per_open_item_keyspace: Math.round((withExcerpt ?? plain).keyspaceBytesPerItem * 10) / 10,
      bytes_per_open_item_no_excerpt: Math.round(plain.bytesPerItem * 10) / 10,
      bytes_per_open_item_no_excerpt_keyspace: Math.round(plain.keyspaceBytesPerItem * 10) / 10,
      bytes_per_open_item_with_excerpt: withExcerpt ? Math.round(withExcerpt.bytesPerItem * 10) / 10 : null,
      excerpt_chars: withExcerpt ? EXCERPT_CHARS : 0,
      excerpt_chars_shipped_default: DEFAULT_EXCERPT_CHARS,
    });

    // Lateness: the plain items stay open (none falls due within ten minutes); DUE more fall due soon.
    await ensureTopics(kafka, [{ topic, numPartitions: 3, replicationFactor: 1 }]);
    const now = Date.now();
    const dueCommands = Array.from({ length: DUE }, (_, i) =>
      openCommand(now, 0, now + 10_000 + Math.floor((i / DUE) * 60_000)),
    );
    const plainStore = plain.store;
    await plainStore.apply(dueCommands);
    const lateness: number[] = [];
    const confirmed: number[] = [];
    const mine = new Set(dueCommands.map((c) => c.commentKey));
    let seen = 0;
    let otherAlerts = 0;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    log(`sweeping: ${DUE} alerts fall due over the next ~70 s`);
    const sweeper = await Sweeper.start({
      kafka,
      store: plainStore,
      logger,
      alertsTopic: topic,
      shards: SHARDS,
      leaseMs: 30_000,
      maxSleepMs: 250,
      claimBatch: 500,
      onAlerts: (alerts) => {
        const at = Date.now() + skew;
        for (const a of alerts) {
          if (!mine.has(a.comment_key)) {
            otherAlerts++;
            continue;
          }
          lateness.push(a.fired_at - a.due_at);
          confirmed.push(at - a.due_at);
          if (++seen === DUE) done();
        }
      },
    });
    await Promise.race([finished, new Promise((r) => setTimeout(r, 120_000))]);
    await sweeper.close();
    lateness.sort((a, b) => a - b);
    confirmed.sort((a, b) => a - b);
    Object.assign(result, {
      alerts_received: seen,
      other_alerts: otherAlerts,
      lateness_measured_through: 'Sweeper -> Kafka (acks=all) -> ack in Redis',
      lateness_p50_ms: percentile(lateness, 50),
      lateness_p99_ms: percentile(lateness, 99),
      lateness_max_ms: lateness[lateness.length - 1] ?? null,
      broker_confirmed_p50_ms: percentile(confirmed, 50),
      broker_confirmed_p99_ms: percentile(confirmed, 99),
    });
  } finally {
    log("deleting the run's keys and topic");
    await deletePrefix(redis, prefixExcerpt);
    await deletePrefix(redis, prefixPlain);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    redis.disconnect();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`[bench:sla] failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});

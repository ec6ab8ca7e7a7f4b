/**
 * SLA engine figures on the local stack (`npm run stack:up` first): `npm run bench:sla [-- --items 200000]`.
 *
 *  1. registration, per arrival mode (`--modes spread,realtime`, or one with `--arrivals`): open commands
 *     in pipelined batches through SlaStore.apply (comments/s), and Redis CPU per open (INFO cpu of the
 *     server's main thread) per `--segment` items while the keyspace fills, with `growth` = the last
 *     segment's figure over the first's; the headline is the median segment (the mean beside it).
 *     `spread`: due times spread evenly over each priority's target (the state of a keyspace that has
 *     been running for a day); `realtime`: comments arrive on a simulated clock at `--rate` per second
 *     from now and each is due at posted_at + its policy's target, as in production, so the due times of
 *     many opens fall into the same minutes;
 *  2. memory per open item: INFO used_memory delta / items, for records with the shipped default excerpt
 *     (`--excerpt-chars`, default: the config's default) cut from synthetic Russian comments
 *     (tools/harness/comment-texts.ts), and again with no excerpt, plus the keyspace's MEMORY USAGE sum;
 *     then (current layout) again once every due-wheel window has moved into `soon`
 *     (tools/bench/sla-soon-memory.ts), the most memory items waiting on an advanced clock take; and
 *     between the two, by the share of open items that wait in `soon` in the steady state of real-time
 *     arrivals under the wheel's rules (tools/bench/sla-steady-soon.ts), `bytes_per_open_item_steady`;
 *  3. alert lateness: with `--items` open items (`--lateness-arrivals`, default realtime), `--due` of them
 *     fall due within the next minute; one real
 *     Sweeper (default options) claims, publishes to a Kafka topic and acks them; lateness is
 *     fired_at - due_at (fired_at is the Redis time of the claim) and, separately, the time the broker
 *     had confirmed the alert minus due_at.
 *
 * `--wait` (docs/faults.md 4b): on a private master with one replica, `--wait-items` opens registered
 * through SlaStore.apply and alerts acknowledged through ackAlerts (500 per call, as a sweeper's claim
 * batch), without and with `WAIT 1` ending each pipeline, alternated three times on the same pair so that
 * only WAIT differs; the JSON gains `wait` with both rates and their ratios (median of the three rounds each).
 *
 * `--layout v1,v2` (v2: the current scripts, layout v3 since the `open` gauge is derived on read)
 * registers with the v1 layout's scripts too (the layout before #22, kept as test fixtures in
 * test/fixtures/sla-layout-v1, driven by tools/harness/sla-layout-v1.ts) on the same server, the same
 * commands into a keyspace of its own, in alternating segments: round r is v1's r-th segment, then v2's
 * (A B A B ...), so the load of this shared machine, which drifts over seconds, falls on both. JSON
 * `*_v1`, the rounds' ratios `cpu_ratio_rounds_v1_over_v2` (v1's segment over v2's) and their median
 * `cpu_ratio_v1_over_v2` give before/after in one run; `_realtime` the same for that mode.
 *
 * By default Redis is a private `redis-server` (the machine's binary, the settings our stack sets, no persistence)
 * on a free port, stopped at the end: the shared Redis has other clients whose load would count in INFO
 * cpu. `--redis shared` uses REDIS_URL / .otklik/stack.env instead (keys under a unique prefix, deleted
 * at the end). Kafka is the shared broker, with a topic of the run's own, deleted at the end. A machine
 * reference (CPU time of a fixed loop) is printed beside the absolute figures. The last stdout line is
 * JSON.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createKafka } from '../../services/adapters/kafka/client.js';
import { ensureTopics } from '../../services/adapters/kafka/topics.js';
import { assertNoEviction } from '../../services/adapters/redis/eviction-policy.js';
import { SlaStore } from '../../services/adapters/redis/store/sla-store.js';
import type { OpenSlaCommand } from '../../services/core/sla/commands.js';
import { excerptOf } from '../../services/core/sla/plan.js';
import { DEFAULT_EXCERPT_CHARS } from '../../services/runtime/config/load.js';
import { createTextGenerator } from '../harness/comment-texts.js';
import { startOwnRedis, startReplicatedRedis, type OwnRedis } from '../harness/redis-server.js';
import { readStackEnv } from '../harness/stack-env.js';
import { commentKeyOf, shardOf } from '../../services/core/sla/shard.js';
import { Sweeper } from '../../services/roles/sweeper/sweeper.js';
import { SlaStoreV1 } from '../harness/sla-layout-v1.js';
import { moveAllIntoSoon } from './sla-soon-memory.js';
import { steadyStateSoonShare } from './sla-steady-soon.js';
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
    // Opens per SlaStore.apply: 3,200 over 16 shards fill script calls of ~200 (MAX_TRANSITIONS_PER_CALL),
    // as a worker's batches do at 100,000/s (1,000 made calls of ~62, whose fixed cost was ~4 us per open).
    batch: { type: 'string', default: '3200' },
    'in-flight': { type: 'string', default: '4' },
    'skip-excerpt': { type: 'boolean', default: false },
    arrivals: { type: 'string' },
    modes: { type: 'string' },
    rate: { type: 'string', default: '100000' },
    segment: { type: 'string', default: '200000' },
    // INFO used_memory is read this long after a segment (client buffers are freed by the server's cron).
    'settle-ms': { type: 'string', default: '300' },
    redis: { type: 'string', default: 'private' },
    'skip-lateness': { type: 'boolean', default: false },
    'lateness-arrivals': { type: 'string', default: 'realtime' },
    layout: { type: 'string', default: 'v2' },
    wait: { type: 'boolean', default: false },
    'wait-items': { type: 'string', default: '100000' },
  },
});
type Arrivals = 'spread' | 'realtime';
const MODES = (args.modes ?? args.arrivals ?? 'spread').split(',').map((m) => m.trim());
for (const m of MODES)
  if (m !== 'spread' && m !== 'realtime') throw new Error(`unknown arrival mode ${m} (spread, realtime)`);
type Layout = 'v1' | 'v2';
const LAYOUTS = args.layout.split(',').map((l) => l.trim()) as Layout[];
for (const l of LAYOUTS) if (l !== 'v1' && l !== 'v2') throw new Error(`unknown layout ${l} (v1, v2)`);
const LATENESS_ARRIVALS = args['lateness-arrivals'] as Arrivals;
if (LATENESS_ARRIVALS !== 'spread' && LATENESS_ARRIVALS !== 'realtime')
  throw new Error(`--lateness-arrivals ${LATENESS_ARRIVALS}: spread or realtime`);
if (args.redis !== 'private' && args.redis !== 'shared')
  throw new Error(`--redis ${args.redis}: private or shared`);
/** Arrivals per second of the realtime mode's simulated clock. */
const RATE = Number(args.rate);
const SEGMENT = Number(args.segment);
const SETTLE_MS = Number(args['settle-ms']);
const ITEMS = Number(args.items);
const DUE = Math.min(Number(args.due), ITEMS);
const SHARDS = Number(args.shards);
const EXCERPT_CHARS = Number(args['excerpt-chars']);
const BATCH = Number(args.batch);
const IN_FLIGHT = Number(args['in-flight']);

const stack = readStackEnv();
const REDIS_URL = stack.redisUrl ?? 'redis://127.0.0.1:6379';
const BROKERS = stack.brokers ?? '127.0.0.1:9092';
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
 * is its next alert; with `dueAt`, a comment whose BREACH (no WARNING, no escalation) falls at `dueAt`;
 * with `postedAt` (the realtime mode's arrival clock), one posted then, due at postedAt + its target.
 */
function openCommand(now: number, excerptChars: number, dueAt?: number, arrivedAt?: number): OpenSlaCommand {
  const platform = pick(PLATFORMS)[0];
  const [priority, , target] = pick(PRIORITIES) as [Priority, number, number];
  const commentId = id12();
  const key = commentKeyOf(platform, commentId);
  const page = 100_000 + Math.floor(rand() * 900_000);
  // A VK-style wall post thread and the comment's link to it.
  const threadId = `-${page}_${Math.floor(rand() * 100_000)}`;
  // Background items fall due 30 minutes after `now` at the earliest, so none does during the run.
  const postedAt =
    arrivedAt ?? (dueAt === undefined ? now - Math.floor(rand() * (target - 1_800_000)) : now - 1_000);
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
  await new Promise((r) => setTimeout(r, SETTLE_MS));
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

async function register(store: Pick<SlaStore, 'apply'>, commands: OpenSlaCommand[]): Promise<number> {
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
/** CPU seconds of the Redis server's main thread (the one that runs scripts), from INFO cpu. */
async function redisMainThreadCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => {
    const m = new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info);
    return m ? Number(m[1]) : undefined;
  };
  const sys = field('used_cpu_sys_main_thread');
  const user = field('used_cpu_user_main_thread');
  // Redis before 6.2 has no per-thread figures: the process's (its background threads add in).
  if (sys === undefined || user === undefined)
    return (field('used_cpu_sys') ?? 0) + (field('used_cpu_user') ?? 0);
  return sys + user;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** The commands of one registration run: `arrivals` decides their due times. */
function registrationCommands(arrivals: Arrivals, excerptChars: number): OpenSlaCommand[] {
  const now = Date.now();
  return Array.from({ length: ITEMS }, (_, i) =>
    arrivals === 'spread'
      ? openCommand(now, excerptChars)
      : openCommand(now, excerptChars, undefined, now + Math.floor((i * 1000) / RATE)),
  );
}

/** The middle value (of an even count, the mean of the two middle ones). */
function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One layout's keyspace while the rounds fill it, and its figures once they are done. */
interface LayoutFill {
  store: SlaStore;
  registrar: Pick<SlaStore, 'apply'>;
  prefix: string;
  /** Redis main-thread CPU per open of each segment, µs. */
  segments: number[];
  seconds: number;
  memoryBytes: number;
  evalshaUsec: number;
  evalshaCalls: number;
}

/**
 * Registers the same commands with every layout in `layouts`, each into a keyspace of its own, in
 * alternating segments of `--segment` opens (round r: layout A's r-th segment, then B's, ...), so that
 * the machine's load, which drifts over seconds on this shared machine, falls on all of them alike.
 * Per segment: Redis main-thread CPU (INFO cpu delta), the INFO used_memory delta, EVALSHA time.
 */
async function measureRegistration(
  redis: Redis,
  excerptChars: number,
  prefixOf: (layout: Layout) => string,
  arrivals: Arrivals,
  layouts: readonly Layout[] = ['v2'],
) {
  const commands = registrationCommands(arrivals, excerptChars);
  const fills = layouts.map((layout): [Layout, LayoutFill] => {
    const options = { prefix: prefixOf(layout), shards: SHARDS, retentionMs: 86_400_000 };
    const store = new SlaStore(redis, options);
    // The previous layout's scripts (test/fixtures/sla-layout-v1), for its cost in the same run.
    const registrar = layout === 'v1' ? new SlaStoreV1(redis, options) : store;
    const fill = { store, registrar, prefix: options.prefix, segments: [], seconds: 0, memoryBytes: 0 };
    return [layout, { ...fill, evalshaUsec: 0, evalshaCalls: 0 }];
  });
  const rounds = Math.ceil(ITEMS / SEGMENT);
  for (let round = 0; round < rounds; round++) {
    const segment = commands.slice(round * SEGMENT, (round + 1) * SEGMENT);
    for (const [, fill] of fills) {
      const memoryBefore = await settledMemory(redis);
      const statsBefore = await evalshaStats(redis);
      const cpuBefore = await redisMainThreadCpu(redis);
      fill.seconds += segment.length / (await register(fill.registrar, segment));
      const cpuAfter = await redisMainThreadCpu(redis);
      const statsAfter = await evalshaStats(redis);
      fill.memoryBytes += (await settledMemory(redis)) - memoryBefore;
      fill.evalshaUsec += statsAfter.usec - statsBefore.usec;
      fill.evalshaCalls += statsAfter.calls - statsBefore.calls;
      fill.segments.push(((cpuAfter - cpuBefore) * 1e6) / segment.length);
    }
  }
  const byLayout: Partial<Record<Layout, ReturnType<typeof layoutFigures>>> = {};
  for (const [layout, fill] of fills) {
    const keyspace = await keyspaceBytes(redis, fill.prefix);
    // The same items once the clock has passed every window's move time: all of them in `soon`.
    const beforeSoon = await settledMemory(redis);
    const inSoon = layout === 'v2' ? await moveAllIntoSoon(redis, fill.store.keys, SHARDS) : undefined;
    const soonBytes = inSoon === undefined ? undefined : (await settledMemory(redis)) - beforeSoon;
    byLayout[layout] = layoutFigures(fill, keyspace, inSoon, soonBytes);
  }
  // Per round, the first layout's CPU per open over each other's (v1 over v2: > 1, the current is cheaper).
  const first = fills[0]?.[1];
  const last = fills[fills.length - 1]?.[1];
  const roundRatios =
    first && last && first !== last ? first.segments.map((us, i) => us / (last.segments[i] as number)) : [];
  return { byLayout, rounds, roundRatios, ratio: roundRatios.length ? median(roundRatios) : undefined };
}

function layoutFigures(
  fill: LayoutFill,
  keyspace: { bytes: number; keys: number },
  inSoon: number | undefined,
  soonBytes: number | undefined,
) {
  const { segments } = fill;
  const meanUs =
    segments.reduce((sum, us, i) => sum + us * Math.min(SEGMENT, ITEMS - i * SEGMENT), 0) / ITEMS;
  const bytesPerItem = fill.memoryBytes / ITEMS;
  return {
    store: fill.store,
    perSecond: ITEMS / fill.seconds,
    // Redis CPU per open: the main thread's CPU over each segment (every command on the server counts,
    // so a private server is the clean measure); the median segment is the headline, the mean beside it.
    redisUsPerOpen: median(segments),
    redisUsPerOpenMean: meanUs,
    segments,
    growth: (segments[segments.length - 1] ?? NaN) / (segments[0] ?? NaN),
    // Wall time inside Redis of the apply_batch calls (INFO commandstats), for comparison with earlier runs.
    evalshaUsPerOpen: fill.evalshaUsec / ITEMS,
    callsPerOpen: fill.evalshaCalls / ITEMS,
    bytesPerItem,
    keyspaceBytesPerItem: keyspace.bytes / ITEMS,
    keys: keyspace.keys,
    soonBytesPerItem: soonBytes === undefined ? undefined : bytesPerItem + soonBytes / ITEMS,
    inSoon,
  };
}

/**
 * CPU milliseconds of a fixed integer loop, printed beside the absolute figures so runs on different or
 * busy machines can be compared (as bench:classifier does; a quiet modern core takes about 100–150 ms).
 */
function referenceMs(): number {
  const c0 = process.cpuUsage();
  let x = 0;
  for (let i = 0; i < 300_000_000; i++) x = (x + i * 7) | 0;
  const c = process.cpuUsage(c0);
  return x === 1 ? -1 : Math.round((c.user + c.system) / 1000);
}

type Registration = ReturnType<typeof layoutFigures>;

/** Alerts acknowledged per ackAlerts call: the sweeper's default claim batch. */
const ACK_BATCH = 500;

/**
 * The cost of WAIT: registrations and acknowledgements per second on a master with one replica, each
 * pipeline ending with `WAIT 1 2000` or not (SlaStore's `replicas` option, what
 * OTKLIK_REDIS_WAIT_REPLICAS sets), off / on three times; the median round of each.
 */
async function measureWaitCost(excerptChars: number) {
  const items = Number(args['wait-items']);
  const replicated = await startReplicatedRedis();
  const redis = new Redis(replicated.master.url, { maxRetriesPerRequest: 2 });
  log(`WAIT: private master on port ${replicated.master.port}, replica on ${replicated.replica.port}`);
  try {
    const rounds = {
      off: { register: [] as number[], ack: [] as number[] },
      on: { register: [] as number[], ack: [] as number[] },
    };
    const waitCalls = async () =>
      Number(/cmdstat_wait:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
    for (const [round, setting] of (['off', 'on', 'off', 'on', 'off', 'on'] as const).entries()) {
      const prefix = `${RUN}:wait:${round}`;
      const store = new SlaStore(redis, {
        prefix,
        shards: SHARDS,
        retentionMs: 86_400_000,
        ...(setting === 'on' ? { replicas: { count: 1, timeoutMs: 2_000 } } : {}),
      });
      const now = Date.now();
      const opens = Array.from({ length: items }, () => openCommand(now, excerptChars));
      const callsBefore = await waitCalls();
      const registerPerS = await register(store, opens);
      // Already overdue: claimed at once (BREACH), then acknowledged in sweeper-sized calls.
      const overdue = Array.from({ length: Math.min(items, 20_000) }, () =>
        openCommand(now, 0, now - 60_000),
      );
      await store.apply(overdue);
      const claimed = (
        await store.claimDueMany(
          Array.from({ length: SHARDS }, (_, shard) => shard),
          overdue.length,
          600_000,
        )
      ).flatMap((c) => c.alerts);
      const ackStarted = performance.now();
      for (let i = 0; i < claimed.length; i += ACK_BATCH) {
        const acked = await store.ackAlerts(claimed.slice(i, i + ACK_BATCH));
        if (acked.some((a) => !a)) throw new Error('an alert was not acknowledged');
      }
      const ackPerS = claimed.length / ((performance.now() - ackStarted) / 1000);
      const calls = (await waitCalls()) - callsBefore;
      log(
        `  WAIT ${setting}, round ${round + 1}: ${Math.round(registerPerS)} opens/s, ${Math.round(ackPerS)} acks/s (${claimed.length} alerts), ${calls} WAIT calls`,
      );
      rounds[setting].register.push(registerPerS);
      rounds[setting].ack.push(ackPerS);
      await deletePrefix(redis, prefix);
    }
    const best = {
      off: { register: median(rounds.off.register), ack: median(rounds.off.ack) },
      on: { register: median(rounds.on.register), ack: median(rounds.on.ack) },
    };
    const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
    return {
      items,
      register_per_s: Math.round(best.on.register),
      register_per_s_no_wait: Math.round(best.off.register),
      register_ratio: ratio(best.on.register, best.off.register),
      ack_per_s: Math.round(best.on.ack),
      ack_per_s_no_wait: Math.round(best.off.ack),
      ack_ratio: ratio(best.on.ack, best.off.ack),
    };
  } finally {
    redis.disconnect();
    await replicated.dispose();
  }
}

function logRegistration(label: string, r: Registration) {
  log(
    `  ${label}: ${Math.round(r.perSecond)} /s, ${r.bytesPerItem.toFixed(1)} bytes/item (INFO), ${r.keyspaceBytesPerItem.toFixed(1)} (MEMORY USAGE, ${r.keys} keys)`,
  );
  if (r.soonBytesPerItem !== undefined)
    log(
      `  ${label}: ${r.soonBytesPerItem.toFixed(1)} bytes/item (INFO) with every window moved into soon (${r.inSoon} members)`,
    );
  log(
    `  ${label}: Redis main-thread CPU per open, median segment ${r.redisUsPerOpen.toFixed(1)} us (mean ${r.redisUsPerOpenMean.toFixed(1)}); per ${SEGMENT}-item segment ${r.segments.map((us) => us.toFixed(1)).join(' / ')} us; growth ${r.growth.toFixed(2)}`,
  );
}

async function main() {
  let own: OwnRedis | undefined;
  if (args.redis === 'private') {
    own = await startOwnRedis();
    const server = own;
    // Ctrl-C must not leave the private server running.
    process.once('SIGINT', () => void server.dispose().then(() => process.exit(130)));
    log(`private redis-server on port ${own.port} (hash-max-listpack-value 256, no persistence)`);
  }
  const redisUrl = own?.url ?? REDIS_URL;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const prefixPlain = `${RUN}:plain`;
  const topic = `${RUN}.alerts`;
  const logger = pino({ level: 'silent' });
  const kafka = createKafka({ brokers: [BROKERS], clientId: RUN }, logger);
  const withLateness = !args['skip-lateness'];
  const excerptChars = args['skip-excerpt'] ? 0 : EXCERPT_CHARS;
  const result: Record<string, unknown> = {
    items: ITEMS,
    due: withLateness ? DUE : 0,
    shards: SHARDS,
    modes: MODES,
    segment_items: SEGMENT,
    realtime_rate_per_s: RATE,
    redis: own ? 'private' : 'shared',
    redis_url: redisUrl,
  };
  const reference = referenceMs();
  log(
    `machine reference: 300M-step integer loop took ${reference} ms of CPU (a quiet modern core: 100–150 ms)`,
  );
  try {
    // Evicted keys would make the figures (and the alerts) wrong.
    await assertNoEviction(redis);
    const [s, us] = await redis.time();
    const skew = Number(s) * 1000 + Math.floor(Number(us) / 1000) - Date.now();
    if (Math.abs(skew) > 50) log(`warning: Redis clock is ${skew} ms off this machine's`);
    result.redis_version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? null;

    // Per arrival mode, the layouts registered in alternating segments with the shipped default
    // excerpt (v1 first in each round), the same commands into a keyspace of each layout's own.
    const byMode: Partial<Record<Arrivals, Awaited<ReturnType<typeof measureRegistration>>>> = {};
    for (const mode of MODES as Arrivals[]) {
      log(
        `registering ${ITEMS} open items per layout (${LAYOUTS.join(', ')}, alternating ${SEGMENT}-item segments) with ${excerptChars ? `a ${excerptChars}-char` : 'no'} excerpt, ${mode} arrivals${mode === 'realtime' ? ` (${RATE}/s from now, due at posted_at + target)` : ''}`,
      );
      const run = await measureRegistration(
        redis,
        excerptChars,
        (layout) => `${RUN}:${layout}:${mode}`,
        mode,
        LAYOUTS,
      );
      byMode[mode] = run;
      for (const layout of LAYOUTS)
        logRegistration(`${layout} ${mode}`, run.byLayout[layout] as Registration);
      if (run.ratio !== undefined)
        log(
          `  ${mode}: v1 / v2 CPU per open per round ${run.roundRatios.map((r) => r.toFixed(2)).join(' / ')}; median ${run.ratio.toFixed(2)}`,
        );
      for (const layout of LAYOUTS) await deletePrefix(redis, `${RUN}:${layout}:${mode}`);
    }
    const current = (mode: Arrivals) => byMode[mode]?.byLayout.v2 ?? byMode[mode]?.byLayout.v1;
    const spread = current('spread');
    const realtime = current('realtime');
    const withV1 = LAYOUTS.includes('v1') && LAYOUTS.includes('v2');
    const previous = (mode: Arrivals) => (withV1 ? byMode[mode]?.byLayout.v1 : undefined);
    const ratio = (mode: Arrivals) =>
      withV1 && byMode[mode]?.ratio !== undefined
        ? Math.round((byMode[mode].ratio as number) * 100) / 100
        : null;
    const ratios = (mode: Arrivals) =>
      withV1 ? (byMode[mode]?.roundRatios.map((r) => Math.round(r * 100) / 100) ?? null) : null;
    // Bytes per open item in the steady state of real-time arrivals: between the two measured ends (all
    // in their windows' slots, all in `soon`) by the share that waits in `soon` (sla-steady-soon.ts), on
    // average over a four-hour block and at its peak (just after a four-hour window has moved).
    const soonShare = steadyStateSoonShare(PRIORITIES.map(([, share, targetMs]) => ({ share, targetMs })));
    const steady = (r: Registration | undefined, share: number) =>
      r?.soonBytesPerItem === undefined
        ? undefined
        : r.bytesPerItem + share * (r.soonBytesPerItem - r.bytesPerItem);
    if (spread?.soonBytesPerItem !== undefined)
      log(
        `  steady state of real-time arrivals: ${(soonShare.mean * 100).toFixed(1)} % of open items in soon on average, ${(soonShare.peak * 100).toFixed(1)} % at the peak -> ${steady(spread, soonShare.mean)?.toFixed(1)} / ${steady(spread, soonShare.peak)?.toFixed(1)} bytes/item (spread keyspace), ${steady(realtime, soonShare.mean)?.toFixed(1) ?? '-'} / ${steady(realtime, soonShare.peak)?.toFixed(1) ?? '-'} (realtime)`,
      );
    let plain: Registration | undefined;
    if (withLateness) {
      log(
        `registering ${ITEMS} open items without excerpt (${LATENESS_ARRIVALS}), then ${DUE} falling due within a minute`,
      );
      plain = (await measureRegistration(redis, 0, () => prefixPlain, LATENESS_ARRIVALS)).byLayout.v2;
      if (plain) logRegistration('no excerpt', plain);
    }
    const withExcerpt = excerptChars > 0 ? spread : undefined;
    const noExcerpt = plain ?? (excerptChars === 0 ? spread : undefined);
    const r1 = (x: number | undefined) => (x === undefined ? null : round1(x));
    const r2 = (x: number | undefined) => (x === undefined ? null : Math.round(x * 100) / 100);
    const rounded = (x: number | undefined) => (x === undefined ? null : Math.round(x));
    const shipped = withExcerpt ?? noExcerpt;
    Object.assign(result, {
      // The shipped configuration (with its default excerpt) is the headline; no excerpt alongside.
      register_per_s: rounded(
        spread || noExcerpt
          ? Math.min(noExcerpt?.perSecond ?? Infinity, spread?.perSecond ?? Infinity)
          : undefined,
      ),
      register_per_s_no_excerpt: rounded(noExcerpt?.perSecond),
      register_per_s_with_excerpt: rounded(withExcerpt?.perSecond),
      register_per_s_realtime: rounded(realtime?.perSecond),
      // Redis main-thread CPU (INFO cpu) per open, shipped excerpt, per arrival mode; growth = last
      // segment over first.
      // The median segment; the mean of all segments beside it.
      redis_us_per_open: r1(spread?.redisUsPerOpen),
      redis_us_per_open_mean: r1(spread?.redisUsPerOpenMean),
      redis_us_per_open_segments: spread?.segments.map(round1) ?? null,
      growth: spread ? Math.round(spread.growth * 100) / 100 : null,
      redis_us_per_open_realtime: r1(realtime?.redisUsPerOpen),
      redis_us_per_open_mean_realtime: r1(realtime?.redisUsPerOpenMean),
      redis_us_per_open_segments_realtime: realtime?.segments.map(round1) ?? null,
      growth_realtime: realtime ? Math.round(realtime.growth * 100) / 100 : null,
      redis_us_per_open_no_excerpt: r1(noExcerpt?.redisUsPerOpen),
      // Wall time inside EVALSHA per open (INFO commandstats): the figure of earlier runs.
      evalsha_us_per_open: r1(spread?.evalshaUsPerOpen),
      evalsha_us_per_open_realtime: r1(realtime?.evalshaUsPerOpen),
      evalsha_us_per_open_no_excerpt: r1(noExcerpt?.evalshaUsPerOpen),
      script_calls_per_open: shipped ? Math.round(shipped.callsPerOpen * 1000) / 1000 : null,
      load_average: os.loadavg().map(round1),
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? null,
      reference_loop_cpu_ms: reference,
      bytes_per_open_item: r1(shipped?.bytesPerItem),
      bytes_per_open_item_keyspace: r1(shipped?.keyspaceBytesPerItem),
      bytes_per_open_item_realtime: r1(realtime?.bytesPerItem),
      // Every item waiting in `soon` (all windows moved): the most a clock that has advanced costs.
      bytes_per_open_item_in_soon: r1(spread?.soonBytesPerItem),
      bytes_per_open_item_in_soon_realtime: r1(realtime?.soonBytesPerItem),
      // The steady state of real-time arrivals: the share of open items waiting in `soon` under the
      // wheel's rules, and the bytes per item it gives between the two measured ends.
      steady_soon_share: Math.round(soonShare.mean * 1000) / 1000,
      steady_soon_share_peak: Math.round(soonShare.peak * 1000) / 1000,
      bytes_per_open_item_steady: r1(steady(spread, soonShare.mean)),
      bytes_per_open_item_steady_peak: r1(steady(spread, soonShare.peak)),
      bytes_per_open_item_steady_realtime: r1(steady(realtime, soonShare.mean)),
      bytes_per_open_item_steady_peak_realtime: r1(steady(realtime, soonShare.peak)),
      bytes_per_open_item_no_excerpt: r1(noExcerpt?.bytesPerItem),
      bytes_per_open_item_no_excerpt_keyspace: r1(noExcerpt?.keyspaceBytesPerItem),
      bytes_per_open_item_with_excerpt: r1(withExcerpt?.bytesPerItem),
      excerpt_chars: excerptChars,
      excerpt_chars_shipped_default: DEFAULT_EXCERPT_CHARS,
      layouts: LAYOUTS,
      // The previous layout (v1: its scripts kept in test/fixtures/sla-layout-v1) in the same run,
      // in segments alternating with the current one's.
      redis_us_per_open_v1: r1(previous('spread')?.redisUsPerOpen),
      redis_us_per_open_mean_v1: r1(previous('spread')?.redisUsPerOpenMean),
      redis_us_per_open_segments_v1: previous('spread')?.segments.map(round1) ?? null,
      growth_v1: r2(previous('spread')?.growth),
      redis_us_per_open_realtime_v1: r1(previous('realtime')?.redisUsPerOpen),
      redis_us_per_open_mean_realtime_v1: r1(previous('realtime')?.redisUsPerOpenMean),
      redis_us_per_open_segments_realtime_v1: previous('realtime')?.segments.map(round1) ?? null,
      growth_realtime_v1: r2(previous('realtime')?.growth),
      register_per_s_v1: rounded(previous('spread')?.perSecond),
      register_per_s_realtime_v1: rounded(previous('realtime')?.perSecond),
      bytes_per_open_item_v1: r1(previous('spread')?.bytesPerItem),
      bytes_per_open_item_realtime_v1: r1(previous('realtime')?.bytesPerItem),
      // Redis CPU per open of the previous layout over the current one (> 1: the current is cheaper):
      // the median of the rounds' ratios (each round: a v1 segment, then a v2 segment of the same opens).
      cpu_ratio_v1_over_v2: ratio('spread'),
      cpu_ratio_rounds_v1_over_v2: ratios('spread'),
      cpu_ratio_realtime_v1_over_v2: ratio('realtime'),
      cpu_ratio_rounds_realtime_v1_over_v2: ratios('realtime'),
      rounds: byMode[MODES[0] as Arrivals]?.rounds ?? null,
      lateness_background_arrivals: plain ? LATENESS_ARRIVALS : null,
    });
    // Lateness (spread mode only): the plain items stay open (none falls due within ten minutes); DUE more fall due soon.
    if (plain) {
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
    }
    if (args.wait) {
      const wait = await measureWaitCost(excerptChars);
      log(
        `WAIT 1 / no WAIT: registration ${wait.register_per_s}/s / ${wait.register_per_s_no_wait}/s = ${wait.register_ratio}; acks ${wait.ack_per_s}/s / ${wait.ack_per_s_no_wait}/s = ${wait.ack_ratio}`,
      );
      result.wait = wait;
    }
  } finally {
    log("deleting the run's keys and topic");
    for (const layout of LAYOUTS)
      for (const mode of MODES) await deletePrefix(redis, `${RUN}:${layout}:${mode}`);
    await deletePrefix(redis, prefixPlain);
    if (withLateness) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
    redis.disconnect();
    await own?.dispose();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`[bench:sla] failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});

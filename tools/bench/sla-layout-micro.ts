/**
 * Micro-benchmark of SLA layout pieces for issue #22 (docs/proposals/sla-layout-v2.md), on a PRIVATE
 * redis-server (the machine's binary on a free port, stopped at the end; FLUSHALL between variants is
 * on that server only): `npx tsx tools/bench/sla-layout-micro.ts [--items 300000] [--segment 100000]`.
 *
 * Each variant is one Lua script that does one piece of an open for a packed batch of `--per-call`
 * items of one shard (16 shards), called until `--items` items are in; the figure is the Redis main
 * thread's CPU (INFO cpu) per item, per segment (growth = last / first), and used_memory per item.
 * Today's record and wheel pieces run the shipped includes (services/adapters/redis/lua/includes, read
 * only); the candidates are written here. Every variant also pays the same parse of the packed batch,
 * measured alone as `parse`.
 *
 * Arrivals as in bench:sla: `realtime` (posted on a clock at 100,000/s from now, due at posted_at + the
 * priority's target) and `spread` (due evenly over the target).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startOwnRedis } from '../harness/redis-server.js';

const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '300000' },
    segment: { type: 'string', default: '100000' },
    'per-call': { type: 'string', default: '200' },
    variants: { type: 'string' },
    modes: { type: 'string', default: 'realtime,spread' },
  },
});
const ITEMS = Number(args.items);
const SEGMENT = Number(args.segment);
const PER_CALL = Number(args['per-call']);
const SHARDS = 16;
const log = (msg: string) => process.stderr.write(`[sla-layout-micro] ${msg}\n`);

// The previous layout's includes (kept as test fixtures since layout v2 replaced them in services/).
const INCLUDES = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'sla-layout-v1', 'includes');
const include = (name: string) => readFileSync(join(INCLUDES, `${name}.lua`), 'utf8');
const PRELUDE = [include('clock'), include('counters'), include('record'), include('wheel')].join('\n');

// ARGV[1] the shard's key prefix (hash tag), ARGV[2] items: member \31 due \31 dim index \31 dim \31
// bucket of 1024 \31 bucket of 4096 \31 record, separated by \30. The client computes the buckets, as
// SlaStore does today (FNV-1a in Lua costs ~3 us per member).
const PARSE = `
local P = ARGV[1]
local items = {}
for item in string.gmatch(ARGV[2], '[^\\30]+') do
  local m, due, di, dim, b1, b4, rec =
    string.match(item, '^([^\\31]*)\\31([^\\31]*)\\31([^\\31]*)\\31([^\\31]*)\\31([^\\31]*)\\31([^\\31]*)\\31(.*)$')
  items[#items + 1] = { m, due, di, dim, rec, b1, b4 }
end
`;

const RECORD_CHUNKS = `for _, it in ipairs(items) do
  record_put(P .. 'r:' .. it[6], it[1], it[5], nil, true)
end`;
const RECORD_FIELD_BUCKETS = `for _, it in ipairs(items) do
  redis.call('HSETNX', P .. 'r:' .. it[6], it[1], it[5])
end`;
const RECORD_FIELD_4096_BUCKETS = `for _, it in ipairs(items) do
  redis.call('HSETNX', P .. 'r:' .. it[7], it[1], it[5])
end`;
const RECORD_SHARD_HASH = `for _, it in ipairs(items) do redis.call('HSETNX', P .. 'r', it[1], it[5]) end`;
const RECORD_STRING = `for _, it in ipairs(items) do redis.call('SET', P .. 'o:' .. it[1], it[5], 'NX') end`;
const WHEEL_ZSET_SLOTS = `for _, it in ipairs(items) do wheel_add(P .. 'due', it[1], tonumber(it[2]), false, it[2]) end`;
// One list per minute of due time; an entry is member SP (due - minute start) in base 36. One RPUSH per
// distinct minute in the call, and the minute enters a small index zset (NX) once.
const WHEEL_MINUTE_LISTS = `local by_minute, order = {}, {}
for _, it in ipairs(items) do
  local due = tonumber(it[2])
  local minute = math.floor(due / 60000)
  local list = by_minute[minute]
  if not list then
    list = {}
    by_minute[minute] = list
    order[#order + 1] = minute
  end
  list[#list + 1] = it[1] .. ' ' .. to36(due - minute * 60000)
end
for _, minute in ipairs(order) do
  local m = string.format('%d', minute)
  redis.call('RPUSH', P .. 'w:' .. m, unpack(by_minute[minute]))
  redis.call('ZADD', P .. 'wi', 'NX', m, m)
end`;
// Exact wheel without a slot search: the minute's adds are counted (HINCRBY of the call's count per
// distinct minute), add number n goes to slot floor(n / 120) of that minute, so every slot stays a
// listpack and its key is known without reading the index; one ZADD per slot touched; the minute enters
// the index when its first add is counted. (The slot number would go into the record head, so a close
// removes the member with one ZREM on the right slot.)
const WHEEL_ZSET_COUNTED = `local by_minute, order = {}, {}
for _, it in ipairs(items) do
  local minute = math.floor(tonumber(it[2]) / 60000)
  local list = by_minute[minute]
  if not list then
    list = {}
    by_minute[minute] = list
    order[#order + 1] = minute
  end
  list[#list + 1] = it
end
for _, minute in ipairs(order) do
  local list = by_minute[minute]
  local m = string.format('%d', minute)
  local total = redis.call('HINCRBY', P .. 'wn', m, #list)
  local first = total - #list
  if first == 0 then redis.call('ZADD', P .. 'dx', m, m) end
  local slot, args = nil, {}
  for j, it in ipairs(list) do
    local n = math.floor((first + j - 1) / 120)
    if n ~= slot then
      if slot then redis.call('ZADD', P .. 'd:' .. m .. '.' .. slot, unpack(args)) end
      slot, args = n, {}
    end
    args[#args + 1] = it[2]
    args[#args + 1] = it[1]
  end
  redis.call('ZADD', P .. 'd:' .. m .. '.' .. slot, unpack(args))
end`;
const COUNTERS_HINCRBY = `for _, it in ipairs(items) do
  bump(P .. 'cnt', P .. 'daily', 'opened', it[4], 1, true)
  bump(P .. 'cnt', P .. 'daily', 'open', it[4], 1, false)
end
flush_counters()`;
// Fixed-position signed 64-bit counters: totals string (metric * 4096 + dim index), one daily string
// per day; the deltas of a call are summed per position, then one BITFIELD per string.
const COUNTERS_BITFIELD = `local totals, daily, torder, dorder = {}, {}, {}, {}
for _, it in ipairs(items) do
  local pos = tonumber(it[3])
  if not totals[pos] then torder[#torder + 1] = pos end
  totals[pos] = (totals[pos] or 0) + 1
  if not daily[pos] then dorder[#dorder + 1] = pos end
  daily[pos] = (daily[pos] or 0) + 1
end
local function flush(key, sums, order)
  local a = {}
  for _, pos in ipairs(order) do
    a[#a + 1] = 'INCRBY'
    a[#a + 1] = 'i64'
    a[#a + 1] = '#' .. pos
    a[#a + 1] = sums[pos]
  end
  if #a > 0 then redis.call('BITFIELD', key, unpack(a)) end
end
flush(P .. 'c', totals, torder)
flush(P .. 'd:' .. today, daily, dorder)`;

const VARIANTS: Record<string, string> = {
  parse: '',
  record_chunks_today: RECORD_CHUNKS,
  record_field_1024_buckets: RECORD_FIELD_BUCKETS,
  record_field_4096_buckets: RECORD_FIELD_4096_BUCKETS,
  record_field_shard_hash: RECORD_SHARD_HASH,
  record_string_per_item: RECORD_STRING,
  wheel_zset_slots_today: WHEEL_ZSET_SLOTS,
  wheel_minute_lists: WHEEL_MINUTE_LISTS,
  wheel_zset_counted_slots: WHEEL_ZSET_COUNTED,
  counters_hincrby_today: COUNTERS_HINCRBY,
  counters_bitfield: COUNTERS_BITFIELD,
  all_today: [RECORD_CHUNKS, WHEEL_ZSET_SLOTS, COUNTERS_HINCRBY].join('\n'),
  all_field_buckets_lists_bitfield: [RECORD_FIELD_BUCKETS, WHEEL_MINUTE_LISTS, COUNTERS_BITFIELD].join('\n'),
  all_shard_hash_lists_bitfield: [RECORD_SHARD_HASH, WHEEL_MINUTE_LISTS, COUNTERS_BITFIELD].join('\n'),
  all_field4096_counted_slots_bitfield: [
    RECORD_FIELD_4096_BUCKETS,
    WHEEL_ZSET_COUNTED,
    COUNTERS_BITFIELD,
  ].join('\n'),
  all_shard_hash_counted_slots_bitfield: [RECORD_SHARD_HASH, WHEEL_ZSET_COUNTED, COUNTERS_BITFIELD].join(
    '\n',
  ),
};

// ---- items ----------------------------------------------------------------------------------------
let seed = 7;
const rand = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
const TARGETS: [number, number][] = [
  [0.05, 3_600_000],
  [0.15, 7_200_000],
  [0.5, 14_400_000],
  [0.3, 86_400_000],
];
const CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_.:/?=';
/** A record of the shipped size with the default excerpt (~117 bytes; the bytes do not matter). */
const recordOf = () => Array.from({ length: 117 }, () => CHARS[Math.floor(rand() * CHARS.length)]).join('');
const fnv = (s: string) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

interface Item {
  member: string;
  due: number;
  dimIndex: number;
  dim: string;
  record: string;
  bucket1024: number;
  bucket4096: number;
}
/** Bits 16-31 of the 32-bit FNV-1a of the member's bytes (ASCII here), as keys.ts recordBucketOf. */
function bucketHash(member: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < member.length; i++) h = Math.imul(h ^ member.charCodeAt(i), 0x01000193);
  return (h >>> 0) >>> 16;
}
function items(mode: string): Item[] {
  seed = 7;
  const now = Date.now();
  return Array.from({ length: ITEMS }, (_, i) => {
    let r = rand();
    let target = 86_400_000;
    let p = 0;
    for (; p < TARGETS.length; p++) {
      const [share, t] = TARGETS[p] as [number, number];
      if ((r -= share) < 0) {
        target = t;
        break;
      }
    }
    const region = Math.floor(rand() * 89);
    const category = Math.floor(rand() * 11);
    const due =
      mode === 'realtime'
        ? now + Math.floor((i * 1000) / 100_000) + target
        : now + 1_800_000 + Math.floor(rand() * (target - 1_800_000));
    const member = `VK:${Math.floor(rand() * 36 ** 6)
      .toString(36)
      .padStart(6, '0')}${i.toString(36).padStart(6, '0')}`;
    return {
      bucket1024: bucketHash(member) % 1024,
      bucket4096: bucketHash(member) % 4096,
      member,
      due,
      dimIndex: (region * 11 + category) * 4 + Math.min(p, 3),
      dim: `${region}|${category}|${Math.min(p, 3)}`,
      record: recordOf(),
    };
  });
}

async function mainThreadCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const f = (n: string) => Number(new RegExp(`^${n}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
  return f('used_cpu_sys_main_thread') + f('used_cpu_user_main_thread');
}
const usedMemory = async (redis: Redis) => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);

async function runVariant(redis: Redis, name: string, body: string, all: Item[]) {
  await redis.flushall();
  const sha = (await redis.script('LOAD', `${PRELUDE}\n${PARSE}\n${body}\nreturn #items`)) as string;
  // Calls per shard in arrival order, as SlaStore.apply sends them.
  const calls: [string, string][] = [];
  const pending: Item[][] = Array.from({ length: SHARDS }, () => []);
  const flush = (shard: number) => {
    const batch = pending[shard] as Item[];
    if (batch.length === 0) return;
    calls.push([
      `m:{${shard}}:`,
      batch
        .map(
          (it) =>
            `${it.member}\x1f${it.due}\x1f${it.dimIndex}\x1f${it.dim}\x1f${it.bucket1024}\x1f${it.bucket4096}\x1f${it.record}`,
        )
        .join('\x1e'),
    ]);
    pending[shard] = [];
  };
  const segments: number[] = [];
  const memBefore = await usedMemory(redis);
  for (let from = 0; from < all.length; from += SEGMENT) {
    calls.length = 0;
    for (const it of all.slice(from, from + SEGMENT)) {
      const shard = fnv(it.member) % SHARDS;
      (pending[shard] as Item[]).push(it);
      if ((pending[shard] as Item[]).length >= PER_CALL) flush(shard);
    }
    for (let s = 0; s < SHARDS; s++) flush(s);
    const cpu0 = await mainThreadCpu(redis);
    for (let i = 0; i < calls.length; i += 50) {
      const p = redis.pipeline();
      for (const [prefix, packed] of calls.slice(i, i + 50)) p.evalsha(sha, 0, prefix, packed);
      const results = await p.exec();
      for (const [e] of results ?? []) if (e) throw e;
    }
    const cpu1 = await mainThreadCpu(redis);
    segments.push(((cpu1 - cpu0) * 1e6) / Math.min(SEGMENT, all.length - from));
  }
  await new Promise((r) => setTimeout(r, 200));
  const bytes = ((await usedMemory(redis)) - memBefore) / all.length;
  const total = segments.reduce((a, b) => a + b, 0) / segments.length;
  return { segments, total, growth: (segments.at(-1) as number) / (segments[0] as number), bytes };
}

async function main() {
  const c0 = process.cpuUsage();
  let x = 0;
  for (let i = 0; i < 300_000_000; i++) x = (x + i * 7) | 0;
  const ref = Math.round((process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000);
  log(
    `machine reference: 300M-step integer loop took ${x === 1 ? -1 : ref} ms of CPU (a quiet modern core: 100–150 ms)`,
  );
  const own = await startOwnRedis();
  const redis = new Redis(own.url);
  const result: Record<string, unknown> = {
    items: ITEMS,
    per_call: PER_CALL,
    shards: SHARDS,
    reference_loop_cpu_ms: ref,
    load_average: os.loadavg().map((l) => Math.round(l * 10) / 10),
  };
  try {
    // One field per record needs values up to ~200 bytes inside a listpack (private server only).
    await redis.config('SET', 'hash-max-listpack-value', '256');
    const names = args.variants ? args.variants.split(',') : Object.keys(VARIANTS);
    for (const mode of (args.modes as string).split(',')) {
      const all = items(mode);
      for (const name of names) {
        const r = await runVariant(redis, name, VARIANTS[name] ?? '', all);
        log(
          `${mode.padEnd(8)} ${name.padEnd(34)} ${r.total.toFixed(2).padStart(6)} us/item  segments ${r.segments.map((s) => s.toFixed(2)).join(' / ')}  growth ${r.growth.toFixed(2)}  ${r.bytes.toFixed(1)} B/item`,
        );
        result[`${mode}:${name}`] = {
          us: Math.round(r.total * 100) / 100,
          segments: r.segments.map((s) => Math.round(s * 100) / 100),
          growth: Math.round(r.growth * 100) / 100,
          bytes: Math.round(r.bytes * 10) / 10,
        };
      }
    }
  } finally {
    redis.disconnect();
    await own.dispose();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`[sla-layout-micro] failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});

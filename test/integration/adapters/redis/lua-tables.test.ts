/**
 * Every table that both the TypeScript and the Lua side of the SLA store hold, compared with the Lua
 * side run for real: the includes are spliced by the project's loader (lua-loader.ts) into a probe
 * script that EVALs on Redis and returns the Lua values, so changing one side without the other fails
 * here. Mirrored tables (TypeScript | Lua):
 *
 * - category codes and their inverse: core/sla/record.ts CATEGORY_CODES | includes/record.lua
 *   CATEGORY_CODES, CATEGORY_NAMES (both against the schema's CATEGORY_SYMBOLS)
 * - priority codes and their inverse: record.ts PRIORITY_CODES | record.lua PRIORITY_CODES, PRIORITY_NAMES
 * - alert kinds: the schema's ALERT_KIND_SYMBOLS (sla-store.ts casts claim_due's kind to AlertKind) |
 *   record.lua KIND_CODES, KIND_NAMES
 * - the open record's fields, their order, separator and base-36 numbers: record.ts encodeRecordBody,
 *   FIELD_SEPARATOR, decodeRecordTail | record.lua SEP, to36, from36, pack_head, unpack_record
 * - bucket hashing: adapters/redis/keys.ts recordBucketOf, RECORD_BUCKETS | record.lua bucket_of
 * - the record head's wheel slots: record.lua pack_head, unpack_head (read by Lua only)
 * - outcome letters: core/sla/commands.ts SLA_OUTCOMES (with OPENED_PENDING: transition-packing.ts
 *   BATCH_OUTCOMES), adapters/redis/transition-packing.ts unpackOutcomes | apply_batch.lua LETTERS and the statuses includes/transitions.lua returns
 * - transition op letters and field layout: transition-packing.ts packTransitions | apply_batch.lua FORMATS
 * - counter metric names: core/sla/counters.ts COUNTER_METRICS | the `bump` calls of the scripts (read
 *   from the source: they are literals, not a table)
 * - response-time buckets and the `rt` / `rt_sum_ms` fields: counters.ts RESPONSE_BOUNDS_MIN (also used
 *   by core/sla/model.ts), responseHistogramsOf | includes/counters.lua RESPONSE_BOUNDS_MIN,
 *   record_response
 * - counter fields and daily buckets: counters.ts sumCounterHashes, sumDailyHashes, epochDayOf,
 *   adapters/redis/counter-positions.ts (fixed positions: metric, daily metric, category and priority
 *   indexes, dimension position, histogram positions; addTotalsString, addDayString) |
 *   includes/counters.lua METRIC_INDEX, DAILY_INDEX, CATEGORY_INDEX, PRIORITY_INDEX, dim_position, bump,
 *   record_response, flush_counters and includes/clock.lua `today`
 * - ack statuses: sla-store.ts ackAlerts (true on 'ACKED') | ack_alert.lua 'ACKED', 'STALE'
 *
 * Held by one side only (nothing to compare): shardOf (core/sla/shard.ts; Lua gets the shard inside the
 * key names it is given), the Huffman codes of the record's tail (huffman.ts, text-codes.ts; Lua hands the
 * tail back as stored, which the round trip below checks byte for byte), key names (keys.ts builds every
 * key and prefix the scripts get; the wheel slots and chunk fields Lua derives are read by Lua only), the
 * finished-marker letters (Lua only; core/sla/model.ts models them and
 * test/integration/adapters/redis/model-vs-redis.test.ts compares them).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_BUCKETS, SlaKeys, recordBucketOf } from '../../../../services/adapters/redis/keys.js';
import { loadLuaScript, spliceIncludes } from '../../../../services/adapters/redis/lua-loader.js';
import { SlaStore } from '../../../../services/adapters/redis/store/sla-store.js';
import {
  BATCH_OUTCOMES,
  packTransitions,
  unpackOutcomes,
} from '../../../../services/adapters/redis/store/transition-packing.js';
import {
  ALERT_KIND_SYMBOLS,
  CATEGORY_SYMBOLS,
  PRIORITY_SYMBOLS,
} from '../../../../services/core/contracts/schema-types.generated.js';
import type { OpenSlaCommand } from '../../../../services/core/sla/commands.js';
import {
  COUNTER_METRICS,
  RESPONSE_BOUNDS_MIN,
  epochDayOf,
  responseHistogramsOf,
  sumCounterHashes,
  sumDailyHashes,
} from '../../../../services/core/sla/counters.js';
import {
  CATEGORY_CODES,
  FIELD_SEPARATOR,
  PRIORITY_CODES,
  decodeRecordTail,
  encodeRecordBody,
} from '../../../../services/adapters/redis/record/record.js';
import { isolatedStack } from '../../../support/fixture.js';
import {
  addDayString,
  addTotalsString,
  DAILY_METRICS,
  DIM_SLOTS,
  dimensionPosition,
  RT_BASE,
  RT_SLOTS,
} from '../../../../services/adapters/redis/counter-positions.js';
import { answerOf, cancelOf, openCommand, serverNow } from './helpers.js';

const LUA_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'services', 'adapters', 'redis', 'lua');
const SCRIPTS = ['apply_batch', 'claim_due', 'ack_alert', 'scan_deadlines'];

/** `local NAME = { ... }` as written in a script (braces balanced), for tables outside the includes. */
function luaTableStatement(source: string, name: string): string {
  const start = source.indexOf(`local ${name} = {`);
  if (start < 0) throw new Error(`no table ${name}`);
  let depth = 0;
  for (let i = source.indexOf('{', start); i < source.length; i++) {
    if (source[i] === '{') depth++;
    if (source[i] === '}' && --depth === 0) return source.slice(start, i + 1);
  }
  throw new Error(`table ${name} is not closed`);
}

const applyBatchSource = readFileSync(join(LUA_DIR, 'apply_batch.lua'), 'utf8');

/**
 * The includes every script uses, apply_batch.lua's own tables, and one entry point per check. ARGV[1]
 * picks the check; KEYS[1] and KEYS[2] are a counters and a daily hash of this test's prefix.
 */
const PROBE = spliceIncludes(`
--- @include "clock"
--- @include "counters"
--- @include "record"
--- @include "wheel"
--- @include "transitions"
${luaTableStatement(applyBatchSource, 'FORMATS')}
${luaTableStatement(applyBatchSource, 'LETTERS')}
local check = ARGV[1]
if check == 'tables' then
  return cjson.encode({ CATEGORY_CODES = CATEGORY_CODES, CATEGORY_NAMES = CATEGORY_NAMES,
    PRIORITY_CODES = PRIORITY_CODES, PRIORITY_NAMES = PRIORITY_NAMES, KIND_CODES = KIND_CODES,
    KIND_NAMES = KIND_NAMES, FORMATS = FORMATS, LETTERS = LETTERS,
    RESPONSE_BOUNDS_MIN = RESPONSE_BOUNDS_MIN, SEP = SEP, METRIC_INDEX = METRIC_INDEX,
    DAILY_INDEX = DAILY_INDEX, CATEGORY_INDEX = CATEGORY_INDEX, PRIORITY_INDEX = PRIORITY_INDEX,
    DIM_SLOTS = DIM_SLOTS, RT_BASE = RT_BASE, RT_SLOTS = RT_SLOTS })
elseif check == 'positions' then
  local out = {}
  for i = 2, #ARGV do out[#out + 1] = dim_position(ARGV[i]) or -1 end
  return out
elseif check == 'buckets' then
  local out = {}
  for i = 3, #ARGV do out[#out + 1] = bucket_of(ARGV[i], tonumber(ARGV[2])) end
  return out
elseif check == 'record' then
  -- ARGV: kind, level, next_at, posted_at, body as record.ts packed it
  local rec = unpack_record(pack_head(ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
    .. ARGV[6])
  return { rec.kind, rec.level, rec.next_at, rec.posted_at, rec.due_at, rec.interval, rec.max_level,
    rec.region, rec.category, rec.priority, rec.tail }
elseif check == 'unpack' then
  -- apply_batch.lua's own reading of its packed argument, field by field
  local packed, pos, out = ARGV[2], 1, {}
  while pos <= #packed do
    local op = string.sub(packed, pos, pos)
    local fields = { struct.unpack(FORMATS[op], packed, pos + 1) }
    pos = table.remove(fields)
    table.insert(fields, 1, op)
    out[#out + 1] = fields
  end
  return out
elseif check == 'counters' then
  -- ARGV: dim, priority, posted_at, due_at, then answered_at values
  for i = 6, #ARGV do
    count_answer(KEYS[1], KEYS[2], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[i]))
  end
  flush_counters()
  return { now, today }
end
return redis.error_reply('probe: unknown check ' .. tostring(check))
`);

const stack = isolatedStack('sla-lua-tables');
const prefix = stack.env.OTKLIK_KEY_PREFIX as string;
let redis: Redis;

beforeAll(() => {
  redis = stack.redis();
});
afterAll(() => redis.disconnect());

const probe = (keys: string[], ...args: (string | number | Buffer)[]) =>
  redis.callBuffer('EVAL', PROBE, keys.length, ...keys, ...args);
const text = (value: unknown) => (Buffer.isBuffer(value) ? value.toString('utf8') : value);

interface LuaTables {
  CATEGORY_CODES: Record<string, string>;
  CATEGORY_NAMES: Record<string, string>;
  PRIORITY_CODES: Record<string, string>;
  PRIORITY_NAMES: Record<string, string>;
  KIND_CODES: Record<string, string>;
  KIND_NAMES: Record<string, string>;
  FORMATS: Record<string, string>;
  LETTERS: Record<string, string>;
  RESPONSE_BOUNDS_MIN: number[];
  SEP: string;
  METRIC_INDEX: Record<string, number>;
  DAILY_INDEX: Record<string, number>;
  CATEGORY_INDEX: Record<string, number>;
  PRIORITY_INDEX: Record<string, number>;
  DIM_SLOTS: number;
  RT_BASE: number;
  RT_SLOTS: number;
}
async function luaTables(): Promise<LuaTables> {
  return JSON.parse(String(text(await probe([], 'tables')))) as LuaTables;
}

const inverse = (table: Record<string, string>) =>
  Object.fromEntries(Object.entries(table).map(([name, code]) => [code, name]));

describe('tables mirrored between TypeScript and Lua, read from Lua running in Redis', () => {
  it('category, priority and alert-kind codes: one distinct letter per schema symbol, both ways', async () => {
    const lua = await luaTables();
    for (const [codes, names, symbols, ts] of [
      [lua.CATEGORY_CODES, lua.CATEGORY_NAMES, CATEGORY_SYMBOLS, CATEGORY_CODES],
      [lua.PRIORITY_CODES, lua.PRIORITY_NAMES, PRIORITY_SYMBOLS, PRIORITY_CODES],
      [lua.KIND_CODES, lua.KIND_NAMES, ALERT_KIND_SYMBOLS, null],
    ] as const) {
      expect(Object.keys(codes).sort()).toEqual([...symbols].sort());
      expect(Object.values(codes).every((code) => code.length === 1)).toBe(true);
      expect(new Set(Object.values(codes)).size).toBe(symbols.length);
      expect(names).toEqual(inverse(codes));
      if (ts) expect(ts).toEqual(codes);
    }
    expect(lua.SEP).toBe(FIELD_SEPARATOR);
  });

  it('an open record packed by record.ts is read by record.lua field for field, its tail intact', async () => {
    const now = await serverNow(redis);
    const commands: OpenSlaCommand[] = [
      ...CATEGORY_SYMBOLS.map((category, i) =>
        openCommand(now, 4, {
          category,
          priority: PRIORITY_SYMBOLS[i % PRIORITY_SYMBOLS.length],
          region: i % 2 ? '77' : `5${FIELD_SEPARATOR}4`,
          municipality: i % 3 ? null : '45000000',
          url: i % 2 ? null : `https://vk.com/wall-1_2?reply=${i}`,
          excerpt: i % 2 ? 'Нет горячей воды уже третий день! 🙁' : '',
          escalationIntervalMs: i * 3_600_000,
          maxEscalationLevel: i % 4,
          dueAt: now + (i - 3) * 86_400_000,
        }),
      ),
    ];
    for (const [i, command] of commands.entries()) {
      const kind = ALERT_KIND_SYMBOLS[i % ALERT_KIND_SYMBOLS.length] as string;
      const nextAt = command.postedAt + (i - 5) * 1_234_567;
      const reply = (await probe(
        [],
        'record',
        kind,
        i,
        nextAt,
        command.postedAt,
        encodeRecordBody(command),
      )) as unknown[];
      const [luaKind, level, next, posted, due, interval, maxLevel, region, category, priority, tail] =
        reply.map((v, f) => (f === 10 ? v : text(v)));
      expect({ luaKind, level, next, posted, due, interval, maxLevel, region, category, priority }).toEqual({
        luaKind: kind,
        level: i,
        next: nextAt,
        posted: command.postedAt,
        due: command.dueAt,
        interval: command.escalationIntervalMs,
        maxLevel: command.maxEscalationLevel,
        region: command.region.replaceAll(FIELD_SEPARATOR, ' '),
        category: command.category,
        priority: command.priority,
      });
      expect(decodeRecordTail(tail as Buffer, command.commentId)).toEqual({
        municipality: command.municipality,
        threadId: command.threadId,
        pageId: command.pageId,
        url: command.url,
        excerpt: command.excerpt,
      });
    }
  });

  it('bucket hashing: bucket_of in Lua gives recordBucketOf for any key, and SlaKeys names that bucket', async () => {
    const keys = [
      '',
      'VK:1',
      'TELEGRAM:-1001234567890_42',
      'WEB:комментарий-№5',
      'OK:😀\u0000\u00ff',
      `MAX:${'x'.repeat(300)}`,
      ...Array.from({ length: 200 }, (_, i) => `VK:${(i * 7919).toString(36)}-${i}`),
    ];
    const lua = ((await probe([], 'buckets', RECORD_BUCKETS, ...keys)) as number[]).map(Number);
    expect(lua).toEqual(keys.map(recordBucketOf));
    expect(new Set(lua).size).toBeGreaterThan(150);
    const slaKeys = new SlaKeys(prefix);
    keys.forEach((key, i) => expect(slaKeys.record(3, key)).toBe(`${slaKeys.recordPrefix(3)}${lua[i]}`));
  });

  it('outcome letters: every outcome Lua can return has one letter, and TypeScript reads it back', async () => {
    const { LETTERS } = await luaTables();
    expect(Object.keys(LETTERS).sort()).toEqual([...BATCH_OUTCOMES].sort());
    expect(new Set(Object.values(LETTERS)).size).toBe(BATCH_OUTCOMES.length);
    for (const [outcome, letter] of Object.entries(LETTERS)) {
      expect(unpackOutcomes(Buffer.from(letter, 'latin1'), 1)).toEqual([outcome]);
    }
    const returned = new Set(
      [...loadLuaScript('apply_batch').matchAll(/return '([A-Z_]+)'/g)].map((m) => m[1] as string),
    );
    expect([...returned].sort()).toEqual([...BATCH_OUTCOMES].sort());
  });

  it('transition ops: apply_batch.lua unpacks what packTransitions packs, field for field', async () => {
    const { FORMATS } = await luaTables();
    expect(Object.keys(FORMATS).sort()).toEqual(['a', 'c', 'n', 'o']);
    const now = await serverNow(redis);
    const open = openCommand(now, 4, { excerpt: 'Яма на дороге', url: 'https://ok.ru/x' });
    const commands = [
      open,
      answerOf(open, now + 5),
      cancelOf(open),
      {
        kind: 'notActionable',
        commentKey: open.commentKey,
        shard: open.shard,
        region: '1',
        category: 'other',
        priority: 'low',
      } as const,
    ];
    const unpacked = (await probe([], 'unpack', packTransitions(commands))) as Buffer[][];
    const bucket = String(recordBucketOf(open.commentKey));
    const fields = unpacked.map((f) =>
      f.map((v, i) => (f[0]?.toString() === 'o' && (i === 4 || i === 9) ? v : text(v))),
    );
    expect(fields).toEqual([
      [
        'o',
        open.commentKey,
        bucket,
        `${open.region}|${open.category}|${open.priority}`,
        dimensionPosition(open.region, open.category, open.priority),
        String(open.warnAt),
        String(open.dueAt),
        (open.warnAt - open.postedAt).toString(36),
        (open.dueAt - open.postedAt).toString(36),
        encodeRecordBody(open),
      ],
      ['a', open.commentKey, bucket, String(now + 5)],
      ['c', open.commentKey, bucket],
      ['n', open.commentKey, bucket, '1|other|low'],
    ]);
  });

  it('counter metrics: the scripts bump exactly the metrics counters.ts reads', () => {
    const bumped = new Set(
      SCRIPTS.flatMap((name) => [...loadLuaScript(name).matchAll(/\bbump(?:_at)?\([^)]*?'(\w+)'/g)]).map(
        (m) => m[1] as string,
      ),
    );
    expect([...bumped].sort()).toEqual([...COUNTER_METRICS].sort());
  });

  it('counter fields, daily buckets and response-time buckets written by Lua are read by counters.ts', async () => {
    const { RESPONSE_BOUNDS_MIN: luaBounds } = await luaTables();
    expect(luaBounds).toEqual([...RESPONSE_BOUNDS_MIN]);

    const postedAt = 1_700_000_000_000;
    const dueAt = postedAt + 30 * 60_000;
    // Each bound exactly (in its bucket), a millisecond past it (the next one), and 0.
    const elapsed = [0, ...RESPONSE_BOUNDS_MIN.flatMap((b) => [b * 60_000, b * 60_000 + 1])];
    // Dimensions with a position (the first and the last) and without one (a region of one digit, a
    // category and a priority the schema does not have): both land where the readers look.
    const dims = [
      '54|healthcare|high',
      '01|housing_utilities|critical',
      '89|other|low',
      '5|ecology|high',
      '54|new_kind|urgent',
    ];
    for (const [d, dim] of dims.entries()) {
      const [region, category, priority] = dim.split('|') as [string, string, string];
      const keys: [string, string] = [`${prefix}:{${d}}:cnt`, `${prefix}:{${d}}:daily`];
      const [now, today] = (
        (await probe(
          keys,
          'counters',
          dim,
          priority,
          postedAt,
          dueAt,
          ...elapsed.map((e) => postedAt + e),
        )) as unknown[]
      ).map(text);
      expect(String(epochDayOf(Number(now)))).toBe(today);
      const positioned = dimensionPosition(region, category, priority) !== null;
      // A dimension with a position writes no hash field; one without writes no string (but for the
      // response-time histogram, whose positions go by priority alone).
      expect(await redis.exists(`${keys[1]}:${today}`), dim).toBe(positioned ? 1 : 0);
      expect(await redis.exists(...keys), dim).toBe(positioned ? 0 : 2);

      const counters = addTotalsString(await redis.hgetall(keys[0]), await redis.getBuffer(`${keys[0]}:b`));
      const dailyHash = await redis.hgetall(keys[1]);
      const day = addDayString(
        Object.fromEntries(Object.entries(dailyHash).map(([f, v]) => [f.slice(`${today}|`.length), v])),
        await redis.getBuffer(`${keys[1]}:${today}`),
      );
      expect(Object.keys(dailyHash).every((f) => f.startsWith(`${today}|`))).toBe(true);
      const inTime = elapsed.filter((e) => postedAt + e <= dueAt).length;
      const expected = [
        { metric: 'answered_in_time', region, category, priority, value: inTime },
        { metric: 'answered_late', region, category, priority, value: elapsed.length - inTime },
      ];
      const byMetric = (rows: { metric: string }[]) =>
        [...rows].sort((x, y) => x.metric.localeCompare(y.metric));
      expect(byMetric(sumCounterHashes([counters])), dim).toEqual(expected);
      expect(byMetric(sumCounterHashes([day])), dim).toEqual(expected);
      expect(sumDailyHashes([dailyHash], Number(today)).length, dim).toBe(positioned ? 0 : 2);

      const histogram = responseHistogramsOf([counters])[priority];
      const expectedCounts = new Array<number>(RESPONSE_BOUNDS_MIN.length + 1).fill(0);
      for (const e of elapsed) {
        const bucket = RESPONSE_BOUNDS_MIN.findIndex((b) => e <= b * 60_000);
        expectedCounts[bucket < 0 ? RESPONSE_BOUNDS_MIN.length : bucket]! += 1;
      }
      expect(
        histogram?.buckets.map((b) => b.count),
        dim,
      ).toEqual(expectedCounts);
      expect(histogram?.count).toBe(elapsed.length);
      expect(histogram?.sumMs).toBe(elapsed.reduce((a, b) => a + b, 0));
    }
  });

  it("counter positions: the Lua tables are counter-positions.ts's, and every dimension gets the same position", async () => {
    const lua = await luaTables();
    expect(lua.DIM_SLOTS).toBe(DIM_SLOTS);
    expect(lua.RT_BASE).toBe(RT_BASE);
    expect(lua.RT_SLOTS).toBe(RT_SLOTS);
    expect(lua.METRIC_INDEX).toEqual(Object.fromEntries(COUNTER_METRICS.map((m, i) => [m, i])));
    expect(lua.DAILY_INDEX).toEqual(Object.fromEntries(DAILY_METRICS.map((m, i) => [m, i])));
    expect(lua.CATEGORY_INDEX).toEqual(Object.fromEntries(CATEGORY_SYMBOLS.map((c, i) => [c, i])));
    expect(lua.PRIORITY_INDEX).toEqual(Object.fromEntries(PRIORITY_SYMBOLS.map((p, i) => [p, i])));
    const dims: string[] = [
      '00|other|low',
      '90|other|low',
      '1|other|low',
      '054|other|low',
      '54|x|low',
      '54|other|x',
    ];
    for (let r = 1; r <= 89; r++) {
      for (const c of CATEGORY_SYMBOLS)
        for (const p of PRIORITY_SYMBOLS) dims.push(`${String(r).padStart(2, '0')}|${c}|${p}`);
    }
    const fromLua = ((await probe([], 'positions', ...dims)) as unknown[]).map(Number);
    const fromTs = dims.map((d) => dimensionPosition(...(d.split('|') as [string, string, string])) ?? -1);
    expect(fromLua).toEqual(fromTs);
    const positions = fromTs.filter((p) => p >= 0);
    expect(positions.length).toBe(89 * 44);
    expect(new Set(positions).size).toBe(positions.length);
    expect(Math.max(...positions)).toBeLessThan(DIM_SLOTS);
  });

  it("ack statuses: ack_alert.lua's ACKED counts as acked in sla-store.ts, its STALE as not", async () => {
    const store = new SlaStore(redis, { prefix, shards: 4, retentionMs: 60_000 });
    const now = await serverNow(redis);
    const due = openCommand(now, 4, { postedAt: now - 10_000, warnAt: now - 5_000, dueAt: now - 1 });
    await store.apply([due]);
    const claimed = (await store.claimDue(due.shard, 10, 60_000)).alerts.filter(
      (a) => a.commentKey === due.commentKey,
    );
    expect(claimed).toHaveLength(1);
    expect(await store.ackAlerts(claimed)).toEqual([true]);
    expect(await store.ackAlerts(claimed)).toEqual([false]);
    const statuses = [...loadLuaScript('ack_alert').matchAll(/return \{ '(\w+)'/g)].map((m) => m[1]);
    expect(new Set(statuses)).toEqual(new Set(['ACKED', 'STALE']));
  });
});

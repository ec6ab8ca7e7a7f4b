-- An open comment's record: one packed string per comment, kept whole as ONE field (member -> record) of
-- a per-shard bucket hash (`<tag>:o:<bucket>`, 4,096 buckets per shard). Buckets stay listpack-encoded
-- while every value fits hash-max-listpack-value, which layout v2 needs at 256 (checked at start:
-- services/adapters/redis/redis-settings.ts). Layout: services/adapters/redis/lua/_README.md.
local SEP = '\31'

local DIGITS36 = '0123456789abcdefghijklmnopqrstuvwxyz'
local function to36(n)
  n = math.floor(n)
  if n == 0 then return '0' end
  local sign = ''
  if n < 0 then sign, n = '-', -n end
  local out = {}
  while n > 0 do
    local d = n % 36
    out[#out + 1] = string.sub(DIGITS36, d + 1, d + 1)
    n = (n - d) / 36
  end
  return sign .. string.reverse(table.concat(out))
end
local function from36(s)
  if s == nil or s == '' then return nil end
  if string.sub(s, 1, 1) == '-' then return -tonumber(string.sub(s, 2), 36) end
  return tonumber(s, 36)
end

-- One-letter codes (services/adapters/redis/record/record.ts writes them); a value without a code (a category added
-- to the schema later) is stored as is. The CODES tables are kept for the test that checks both sides.
local CATEGORY_CODES = { housing_utilities = 'h', urban_improvement = 'u', roads_transport = 'r',
  healthcare = 'm', education = 'e', social_protection = 's', ecology = 'g', safety_emergency = 'x',
  economy_labor = 'j', culture_sport = 'c', other = 'o' }
local PRIORITY_CODES = { critical = 'c', high = 'h', normal = 'n', low = 'l' }
local KIND_CODES = { WARNING = 'W', BREACH = 'B', ESCALATION = 'E' }
-- The same tables inverted, written out: this code runs on every call, so no loops to build them.
local CATEGORY_NAMES = { h = 'housing_utilities', u = 'urban_improvement', r = 'roads_transport',
  m = 'healthcare', e = 'education', s = 'social_protection', g = 'ecology', x = 'safety_emergency',
  j = 'economy_labor', c = 'culture_sport', o = 'other' }
local PRIORITY_NAMES = { c = 'critical', h = 'high', n = 'normal', l = 'low' }
local KIND_NAMES = { W = 'WARNING', B = 'BREACH', E = 'ESCALATION' }
-- A BREACH or ESCALATION whose record's WARNING was published is coded in lower case (`rec.warned`): a
-- re-plan of the appeal (includes/appeal.lua) does not warn again. Records of layout v3 before issue #16
-- have upper case only and read as not warned.
local WARNED_KIND_NAMES = { b = 'BREACH', e = 'ESCALATION' }
local function decode_enum(names, code) return names[code] or code end

-- The record is `<kind><level>` SEP `next_at - posted_at` SEP `due slot` SEP `late slot` SEP body; the
-- body (posted_at onwards) is packed by services/adapters/redis/record/record.ts and only ever copied
-- here. kind nil: no alert left. The slot numbers (decimal) say which counted slot of its minute holds the member
-- in the due wheel (next_at) and the late wheel (due_at), '' when it is in none (includes/wheel.lua), so
-- a close removes it with one ZREM instead of looking for it.
-- Slot numbers are decimal ('' = none): small, and formatted far cheaper than base 36 in Lua.
-- A four-hour window's slot is kept as text ('q' .. n, includes/wheel.lua slot_code).
local function slot_text(n)
  if not n then return '' end
  if type(n) == 'string' then return n end
  return string.format('%d', n)
end
local function slot_of(s)
  if s == '' then return nil end
  local first = string.byte(s, 1)
  if first == 113 or first == 116 then return s end
  return tonumber(s)
end
local function pack_head(kind, level, next_at, posted_at, due_slot, late_slot, warned)
  local tail = SEP .. slot_text(due_slot) .. SEP .. slot_text(late_slot) .. SEP
  if not kind then return '-' .. SEP .. tail end
  local code = KIND_CODES[kind]
  if warned and kind ~= 'WARNING' then code = string.lower(code) end
  return code .. to36(level) .. SEP .. to36(next_at - posted_at) .. tail
end

-- rec: kind, level, next_at, posted_at, due_at, due_slot, late_slot, body (as stored) and what
-- unpack_record adds.
local function pack_record(rec)
  return pack_head(rec.kind, rec.level, rec.next_at, rec.posted_at, rec.due_slot, rec.late_slot, rec.warned)
    .. rec.body
end

-- Splits the first `count` fields off `s`; the rest (the tail, which may hold anything) is the last.
local function split_fields(s, count)
  local f, pos = {}, 1
  for i = 1, count do
    local j = string.find(s, SEP, pos, true)
    if not j then
      f[i] = string.sub(s, pos)
      return f
    end
    f[i] = string.sub(s, pos, j - 1)
    pos = j + 1
  end
  f[count + 1] = string.sub(s, pos)
  return f
end

-- Number of head fields before the body (kind+level, next_at, due slot, late slot).
local HEAD_FIELDS = 4

local function head_of(f)
  local head = f[1]
  local rec = { posted_at = from36(f[5]), due_slot = slot_of(f[3]), late_slot = slot_of(f[4]) }
  rec.due_at = rec.posted_at + from36(f[6])
  if head ~= '-' then
    local code = string.sub(head, 1, 1)
    rec.kind = KIND_NAMES[code]
    if not rec.kind then
      rec.kind = WARNED_KIND_NAMES[code]
      rec.warned = true
    end
    rec.level = from36(string.sub(head, 2))
    rec.next_at = rec.posted_at + from36(f[2])
  end
  return rec
end

-- The scheduling part only (head, posted_at, due_at).
local function unpack_head(s)
  return head_of(split_fields(s, 6))
end

-- Adds interval, max_level, region, category, priority, body and tail (opaque: municipality, thread,
-- page, url, excerpt for TypeScript to decode).
local function unpack_record(s)
  local f = split_fields(s, 11)
  local rec = head_of(f)
  rec.body = string.sub(s, #f[1] + #f[2] + #f[3] + #f[4] + HEAD_FIELDS + 1)
  rec.interval = from36(f[7])
  rec.max_level = from36(f[8])
  rec.region = f[9]
  rec.category = decode_enum(CATEGORY_NAMES, f[10])
  rec.priority = decode_enum(PRIORITY_NAMES, f[11])
  rec.tail = f[12] or ''
  return rec
end

-- The one row every reader of a record returns to TypeScript (claim_due, scan_deadlines; decoded by
-- commentRowOf in services/adapters/redis/record/comment-row.ts, which lists the same fields): member,
-- due_at, posted_at, region, category, priority, next alert kind ('' = none), level, opaque tail.
local function record_row(member, rec)
  return { member, rec.due_at, rec.posted_at, rec.region, rec.category, rec.priority, rec.kind or '',
    rec.level or 0, rec.tail }
end

-- The bucket hash of `member` among `buckets` (a power of two up to 65536): bits 16-31 of the 32-bit
-- FNV-1a of its bytes; recordBucketOf in keys.ts computes the same (and the client sends it: hashing
-- here costs microseconds per member). 0x01000193 = 2^24 + 403, and every step stays exact in a double.
local function bucket_of(member, buckets)
  local h = bit.tobit(0x811c9dc5)
  for i = 1, #member do
    h = bit.bxor(h, string.byte(member, i))
    h = bit.tobit(h * 403 + bit.lshift(h, 24))
  end
  return bit.rshift(h, 16) % buckets
end

-- Writes the packed record (one HSET). With `only_new`, writes nothing and returns nil when the member
-- already has a record (HSETNX: it also tells a duplicate open).
local redis_call = redis.call
local function record_put(bucket, member, s, only_new)
  if only_new then
    if redis_call('HSETNX', bucket, member, s) == 0 then return nil end
    return true
  end
  redis.call('HSET', bucket, member, s)
  return true
end

-- Returns the packed record, or nil when the comment has no open record.
local function record_get(bucket, member)
  local s = redis.call('HGET', bucket, member)
  if not s then return nil end
  return s
end

local function record_del(bucket, member)
  redis.call('HDEL', bucket, member)
end

local function record_exists(bucket, member)
  return redis.call('HEXISTS', bucket, member) == 1
end

-- The counters' prefix of a record's target (core/sla/targets.ts metricOf): the first reply's record is
-- the comment's own member; the appeal lifecycle's other targets (issue #16) have their own members,
-- `<key>#final` (the final answer) and `<key>#next` (the reply to a citizen's follow-up or a reopening).
local function target_prefix(member)
  local tail = string.sub(member, -6)
  if tail == '#final' then return 'final_' end
  if string.sub(tail, -5) == '#next' then return 'next_' end
  return ''
end

-- An open comment's record: one packed string per comment, split into chunks of at most 64 bytes kept as
-- fields of a per-shard bucket hash (`<tag>:r:<bucket>`), so buckets stay listpack-encoded
-- (hash-max-listpack-value 64). Chunk i of `member` is the field `member .. char(48 + i)`; chunk 0
-- starts with the chunk count in base 36 and a ':'. Layout: services/adapters/redis/lua/_README.md.
local CHUNK_BYTES = 64
local FIRST_CHUNK_BYTES = 62
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
local function decode_enum(names, code) return names[code] or code end

-- The record is `<kind><level>` SEP `next_at - posted_at` SEP body; the body (posted_at onwards) is
-- packed by services/adapters/redis/record/record.ts and only ever copied here. kind nil: no alert left.
local function pack_head(kind, level, next_at, posted_at)
  if not kind then return '-' .. SEP .. SEP end
  return KIND_CODES[kind] .. to36(level) .. SEP .. to36(next_at - posted_at) .. SEP
end

-- rec: kind, level, next_at, posted_at, due_at, body (as stored) and what unpack_record adds.
local function pack_record(rec)
  return pack_head(rec.kind, rec.level, rec.next_at, rec.posted_at) .. rec.body
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

-- The scheduling part only (first four fields), which always sits in chunk 0.
local function unpack_head(s)
  local f = split_fields(s, 4)
  local head = f[1]
  local rec = { posted_at = from36(f[3]) }
  rec.due_at = rec.posted_at + from36(f[4])
  if head ~= '-' then
    rec.kind = KIND_NAMES[string.sub(head, 1, 1)]
    rec.level = from36(string.sub(head, 2))
    rec.next_at = rec.posted_at + from36(f[2])
  end
  return rec
end

-- Adds interval, max_level, region, category, priority, body and tail (opaque: municipality, thread,
-- page, url, excerpt for TypeScript to decode).
local function unpack_record(s)
  local f = split_fields(s, 9)
  local rec = unpack_head(s)
  rec.body = string.sub(s, #f[1] + #f[2] + 3)
  rec.interval = from36(f[5])
  rec.max_level = from36(f[6])
  rec.region = f[7]
  rec.category = decode_enum(CATEGORY_NAMES, f[8])
  rec.priority = decode_enum(PRIORITY_NAMES, f[9])
  rec.tail = f[10] or ''
  return rec
end

-- The one row every reader of a record returns to TypeScript (claim_due, scan_deadlines; decoded by
-- commentRowOf in services/adapters/redis/record/comment-row.ts, which lists the same fields): member,
-- due_at, posted_at, region, category, priority, next alert kind ('' = none), level, opaque tail.
local function record_row(member, rec)
  return { member, rec.due_at, rec.posted_at, rec.region, rec.category, rec.priority, rec.kind or '',
    rec.level or 0, rec.tail }
end

local CHUNK_SUFFIX = { [0] = '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' }
local function chunk_field(member, i) return member .. (CHUNK_SUFFIX[i] or string.char(48 + i)) end
-- Chunk 0's prefix: the chunk count in base 36 and ':'.
local CHUNK_COUNT = { '1:', '2:', '3:', '4:', '5:', '6:', '7:', '8:', '9:' }

-- The bucket hash of `member` among `buckets` (a power of two up to 65536): bits 16-31 of the 32-bit
-- FNV-1a of its bytes; recordBucketOf in keys.ts computes the same. 0x01000193 = 2^24 + 403, and every
-- step stays exact in a double.
local function bucket_of(member, buckets)
  local h = bit.tobit(0x811c9dc5)
  for i = 1, #member do
    h = bit.bxor(h, string.byte(member, i))
    h = bit.tobit(h * 403 + bit.lshift(h, 24))
  end
  return bit.rshift(h, 16) % buckets
end

-- Writes the packed record; `old_count` (chunks of the previous version) lets a shorter one drop the rest.
-- With `only_new`, writes nothing and returns nil when the member already has a record.
local function record_put(bucket, member, s, old_count, only_new)
  local n = 1 + math.ceil(math.max(0, #s - FIRST_CHUNK_BYTES) / CHUNK_BYTES)
  local first = (CHUNK_COUNT[n] or (to36(n) .. ':')) .. string.sub(s, 1, FIRST_CHUNK_BYTES)
  local args = {}
  for i = 1, n - 1 do
    local from = FIRST_CHUNK_BYTES + (i - 1) * CHUNK_BYTES + 1
    args[#args + 1] = chunk_field(member, i)
    args[#args + 1] = string.sub(s, from, from + CHUNK_BYTES - 1)
  end
  if only_new then
    if redis.call('HSETNX', bucket, chunk_field(member, 0), first) == 0 then return nil end
  else
    args[#args + 1] = chunk_field(member, 0)
    args[#args + 1] = first
  end
  if #args > 0 then redis.call('HSET', bucket, unpack(args)) end
  if old_count and old_count > n then
    local stale = {}
    for i = n, old_count - 1 do stale[#stale + 1] = chunk_field(member, i) end
    redis.call('HDEL', bucket, unpack(stale))
  end
  return n
end

-- Returns the packed record and its chunk count, or nil when the comment has no open record.
-- With `head_only`, returns chunk 0 alone (enough for unpack_head).
local function record_get(bucket, member, head_only)
  local first = redis.call('HGET', bucket, chunk_field(member, 0))
  if not first then return nil end
  local colon = string.find(first, ':', 1, true)
  local n = tonumber(string.sub(first, 1, colon - 1), 36)
  local parts = { string.sub(first, colon + 1) }
  if n > 1 and not head_only then
    local fields = {}
    for i = 1, n - 1 do fields[i] = chunk_field(member, i) end
    local rest = redis.call('HMGET', bucket, unpack(fields))
    for i = 1, n - 1 do parts[i + 1] = rest[i] or '' end
  end
  return table.concat(parts), n
end

local function record_del(bucket, member, count)
  local fields = {}
  for i = 0, count - 1 do fields[#fields + 1] = chunk_field(member, i) end
  redis.call('HDEL', bucket, unpack(fields))
end

local function record_exists(bucket, member)
  return redis.call('HEXISTS', bucket, chunk_field(member, 0)) == 1
end

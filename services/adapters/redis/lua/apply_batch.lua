--[[
  apply_batch: applies comment transitions of ONE shard in order, atomically, each exactly as if it
  ran alone (includes/transitions.lua: open, answer, cancel, not actionable; each idempotent). Counter
  increments are summed and written once per distinct field at the end; the batch's finished markers
  are read with one MGET.

  KEYS[1] due wheel (base key)   KEYS[2] late wheel (base key)   KEYS[3] lease zset
  KEYS[4] counters hash   KEYS[5] daily counters hash   KEYS[6] the due wheel's `soon` zset
  ARGV[1] record bucket key prefix of this shard   ARGV[2] finished marker key prefix of this shard
          (both carry the shard's hash tag: every key derived from them is in the slot of KEYS)
  ARGV[3] retention ms of finished markers
  ARGV[4] the transitions, packed (services/adapters/redis/store/transition-packing.ts): each is an op letter,
          then its fields, each a 16-bit big-endian byte length and the bytes; the first two fields are
          the member (comment key) and its record bucket number, then:
    'o' open            dim (region|category|priority), then its counter position as a bare 16-bit
                        big-endian number (counters.lua dim_position; 65535: none), warn_at, due_at,
                        warn_at - posted_at and due_at - posted_at in base 36, record body (which
                        starts with posted_at)
    'a' answer          answered_at (the reply's event time)
    'c' cancel          (nothing more)
    'n' not actionable  dim

  Returns one letter per transition, in order: O OPENED, P OPENED_PENDING (operator actions wait for it:
  the caller applies them), B ANSWERED_BEFORE, D DELETED_BEFORE,
  A ANSWERED, a ANSWERED_EARLY, C CANCELLED, d DELETED_EARLY, R RECORDED, = DUPLICATE.
]]
--- @include "clock"
--- @include "counters"
--- @include "record"
--- @include "wheel"
--- @include "transitions"

local FORMATS = { o = '>Hc0Hc0Hc0HHc0Hc0Hc0Hc0Hc0', a = '>Hc0Hc0Hc0', c = '>Hc0Hc0', n = '>Hc0Hc0Hc0' }
-- Where the next transition's byte position lands in { op, struct.unpack(...) }: after the op letter
-- and the op's fields (struct.unpack returns it last).
local NEXT_POS_AT = { o = 11, a = 5, c = 4, n = 5 }
local LETTERS = { OPENED = 'O', OPENED_PENDING = 'P', ANSWERED_BEFORE = 'B', DELETED_BEFORE = 'D', ANSWERED = 'A',
  ANSWERED_EARLY = 'a', CANCELLED = 'C', DELETED_EARLY = 'd', RECORDED = 'R', DUPLICATE = '=' }

-- An open's counter position field when its dimension has none.
local NO_POSITION = 65535

local k = { due = KEYS[1], late = KEYS[2], lease = KEYS[3], cnt = KEYS[4], daily = KEYS[5], soon = KEYS[6] }
local record_prefix, finished_prefix, retention = ARGV[1], ARGV[2], ARGV[3]
local packed = ARGV[4] or ''

-- Unpacked whole before anything changes: a malformed batch is refused, not applied halfway (one
-- protected call around the whole loop, not one per transition).
-- (Lua costs about half of an open's Redis CPU: the hot loops below keep globals in locals and make no
-- string or table they do not need.)
local ops, marker_keys, op_count = {}, {}, 0
local pos = 1
local unpacked, bad = pcall(function()
  local unpack_fields, sub, size = struct.unpack, string.sub, #packed
  while pos <= size do
    local op = sub(packed, pos, pos)
    local format = FORMATS[op]
    if not format then error('op') end
    local fields = { op, unpack_fields(format, packed, pos + 1) }
    local last = NEXT_POS_AT[op]
    pos = fields[last]
    fields[last] = nil
    op_count = op_count + 1
    ops[op_count] = fields
    marker_keys[op_count] = finished_prefix .. fields[2]
  end
end)
if not unpacked then
  return redis.error_reply('apply_batch: malformed transition at byte ' .. pos)
end
if op_count > 0 then prefetch_markers(marker_keys) end
-- The due-wheel windows the opens will add to, announced up front: their counts are read with one HMGET.
-- An open's warn_at and due_at are turned into numbers here, once, and its window kept, so that the open
-- does not look it up again (arrays by transition number: a field added to an op's table would grow it).
local tonumber = tonumber
local warn_ats, due_ats, windows = {}, {}, {}
for i = 1, op_count do
  local f = ops[i]
  if f[1] == 'o' and not markers[marker_keys[i]] then
    local warn_at, due_at = tonumber(f[6]), tonumber(f[7])
    warn_ats[i], due_ats[i] = warn_at, due_at
    windows[i] = wheel_reserve(k.due, (now < due_at and warn_at < due_at) and warn_at or due_at, now)
  end
end
wheel_count_reserved()

local function apply_one(i)
  local f, marker_key = ops[i], marker_keys[i]
  local op, member = f[1], f[2]
  local bucket = record_prefix .. f[3]
  if op == 'o' then
    local pos = f[5]
    return open_sla(k, bucket, marker_key, member, f[4], pos ~= NO_POSITION and pos, warn_ats[i] or tonumber(f[6]),
      f[6], due_ats[i] or tonumber(f[7]), f[7], f[8], f[9], f[10], retention, windows[i])
  elseif op == 'a' then
    return answer_sla(k, bucket, marker_key, member, tonumber(f[4]), retention)
  elseif op == 'c' then
    return cancel_sla(k, bucket, marker_key, member, retention)
  end
  return record_not_actionable(k, bucket, marker_key, member, f[4], retention)
end

local letters = {}
-- One protected call for the whole batch (not one per transition): the batch stops at the first error.
local ok, err = pcall(function()
  for i = 1, op_count do letters[i] = LETTERS[apply_one(i)] end
end)
if not ok then
  -- The transitions before this one stay applied (Redis does not roll a script back): their counters
  -- and wheel entries must be written too, or a retry would find them done and never count them.
  flush_wheels()
  flush_counters()
  return redis.error_reply('apply_batch: ' .. tostring(err))
end
flush_wheels()
flush_counters()
return table.concat(letters)

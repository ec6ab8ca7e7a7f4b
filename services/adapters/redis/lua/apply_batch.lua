--[[
  apply_batch: applies comment transitions of ONE shard in order, atomically, each exactly as if it
  ran alone (includes/transitions.lua: open, answer, cancel, not actionable; each idempotent). Counter
  increments are summed and written once per distinct field at the end.

  KEYS[1] due wheel index   KEYS[2] late wheel index   KEYS[3] lease zset   KEYS[4] counters hash
  KEYS[5] daily counters hash
  ARGV[1] record bucket key prefix of this shard   ARGV[2] finished marker key prefix of this shard
          (both carry the shard's hash tag: every key derived from them is in the slot of KEYS)
  ARGV[3] retention ms of finished markers
  then the transitions, each an op letter, the member (comment key), its record bucket number, then:
    'o' open            dim (region|category|priority), priority, posted_at, warn_at, due_at,
                        warn_at - posted_at and due_at - posted_at in base 36, record body
    'a' answer          answered_at (the reply's event time)
    'c' cancel          (nothing more)
    'n' not actionable  dim

  Returns one status per transition, in order: 'OPENED' | 'ANSWERED_BEFORE' | 'DELETED_BEFORE' |
  'ANSWERED' | 'ANSWERED_EARLY' | 'CANCELLED' | 'DELETED_EARLY' | 'RECORDED' | 'DUPLICATE'.
]]
--- @include "clock"
--- @include "counters"
--- @include "record"
--- @include "wheel"
--- @include "transitions"

local ARG_COUNTS = { o = 11, a = 4, c = 3, n = 4 }
-- Checked whole before anything changes: a malformed batch is refused, not applied halfway.
local i = 4
while i <= #ARGV do
  local count = ARG_COUNTS[ARGV[i]]
  if not count or i + count - 1 > #ARGV then
    return redis.error_reply('apply_batch: malformed transition at ARGV[' .. i .. ']')
  end
  i = i + count
end

local k = { due = KEYS[1], late = KEYS[2], lease = KEYS[3], cnt = KEYS[4], daily = KEYS[5] }
local record_prefix, finished_prefix = ARGV[1], ARGV[2]
local retention = tonumber(ARGV[3])

local function apply_one(at)
  local op, member = ARGV[at], ARGV[at + 1]
  local bucket = record_prefix .. ARGV[at + 2]
  local finished_key = finished_prefix .. member
  if op == 'o' then
    return open_sla(k, bucket, finished_key, member, ARGV[at + 3], ARGV[at + 4], ARGV[at + 5],
      tonumber(ARGV[at + 6]), tonumber(ARGV[at + 7]), ARGV[at + 8], ARGV[at + 9], ARGV[at + 10], retention)
  elseif op == 'a' then
    return answer_sla(k, bucket, finished_key, member, tonumber(ARGV[at + 3]), retention)
  elseif op == 'c' then
    return cancel_sla(k, bucket, finished_key, member, retention)
  end
  return record_not_actionable(k, bucket, finished_key, member, ARGV[at + 3], retention)
end

local statuses = {}
i = 4
while i <= #ARGV do
  local ok, status = pcall(apply_one, i)
  if not ok then
    -- The transitions before this one stay applied (Redis does not roll a script back): their counters
    -- must be written too, or a retry would find them done and never count them.
    flush_counters()
    return redis.error_reply('apply_batch: ' .. tostring(status))
  end
  statuses[#statuses + 1] = status
  i = i + ARG_COUNTS[ARGV[i]]
end
flush_counters()
return statuses

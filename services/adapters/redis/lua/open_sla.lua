--[[
  open_sla: a citizen's actionable comment arrives; open its first-reply SLA unless already known.

  KEYS[1] comment hash   KEYS[2] due zset   KEYS[3] counters hash   KEYS[4] daily counters hash
  ARGV[1] member (comment key)  ARGV[2] platform  ARGV[3] comment_id  ARGV[4] thread_id  ARGV[5] page_id
  ARGV[6] region  ARGV[7] municipality ('' = none)  ARGV[8] category  ARGV[9] priority
  ARGV[10] posted_at ms  ARGV[11] warn_at ms  ARGV[12] due_at ms  ARGV[13] policy id
  ARGV[14] escalation interval ms  ARGV[15] max escalation level  ARGV[16] excerpt  ARGV[17] url ('' = none)
  ARGV[18] retention ms (for comments that finish here)

  Returns { status, next_at }:
    'OPENED'            new SLA; next_at is when its first alert falls due
    'ANSWERED_BEFORE'   an official reply arrived first; counted as answered in time or late
    'DELETED_BEFORE'    a delete arrived first; counted as cancelled
    'DUPLICATE'         already known (replay, redelivery, edit): nothing changed
]]
--- @include "clock"
--- @include "counters"

local state = redis.call('HGET', KEYS[1], 's')
if state and state ~= 'answered_early' and state ~= 'deleted_early' then
  return { 'DUPLICATE', 0 }
end

local dim = ARGV[6] .. '|' .. ARGV[8] .. '|' .. ARGV[9]
local posted_at = tonumber(ARGV[10])
local warn_at = tonumber(ARGV[11])
local due_at = tonumber(ARGV[12])
local retention = tonumber(ARGV[18])

redis.call('HSET', KEYS[1], 'pl', ARGV[2], 'cid', ARGV[3], 'th', ARGV[4], 'pg', ARGV[5], 'r', ARGV[6],
  'm', ARGV[7], 'c', ARGV[8], 'p', ARGV[9], 'pa', ARGV[10], 'wa', ARGV[11], 'da', ARGV[12],
  'pol', ARGV[13], 'ei', ARGV[14], 'ml', ARGV[15], 'x', ARGV[16], 'u', ARGV[17])

if state == 'deleted_early' then
  redis.call('HSET', KEYS[1], 's', 'cancelled')
  bump(KEYS[3], KEYS[4], 'cancelled', dim, 1, true)
  redis.call('PEXPIRE', KEYS[1], retention)
  return { 'DELETED_BEFORE', 0 }
end

if state == 'answered_early' then
  local answered_at = tonumber(redis.call('HGET', KEYS[1], 'aa'))
  redis.call('HSET', KEYS[1], 's', 'answered')
  bump(KEYS[3], KEYS[4], 'opened', dim, 1, true)
  count_answer(KEYS[3], KEYS[4], dim, ARGV[9], posted_at, due_at, answered_at)
  redis.call('PEXPIRE', KEYS[1], retention)
  return { 'ANSWERED_BEFORE', 0 }
end

-- A comment that arrives already overdue gets its BREACH at once; a stale WARNING is skipped.
local next_kind, next_at = 'BREACH', due_at
if now < due_at and warn_at < due_at then next_kind, next_at = 'WARNING', warn_at end
redis.call('HSET', KEYS[1], 's', 'open', 'nk', next_kind, 'nl', 0)
redis.call('ZADD', KEYS[2], next_at, ARGV[1])
bump(KEYS[3], KEYS[4], 'opened', dim, 1, true)
bump(KEYS[3], KEYS[4], 'open', dim, 1, false)
return { 'OPENED', next_at }

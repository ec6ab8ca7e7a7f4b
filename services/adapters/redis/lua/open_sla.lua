--[[
  open_sla: a citizen's actionable comment arrives; open its first-reply SLA unless already known.

  KEYS[1] record bucket hash   KEYS[2] finished marker   KEYS[3] due wheel index
  KEYS[4] counters hash        KEYS[5] daily counters hash
  ARGV[1] member (comment key)  ARGV[2] thread_id  ARGV[3] page_id  ARGV[4] region
  ARGV[5] municipality ('' = none)  ARGV[6] category  ARGV[7] priority  ARGV[8] posted_at ms
  ARGV[9] warn_at ms  ARGV[10] due_at ms  ARGV[11] escalation interval ms  ARGV[12] max escalation level
  ARGV[13] excerpt  ARGV[14] url ('' = none)  ARGV[15] retention ms (for comments that finish here)

  Returns { status, next_at }:
    'OPENED'            new SLA; next_at is when its first alert falls due
    'ANSWERED_BEFORE'   an official reply arrived first; counted as answered in time or late
    'DELETED_BEFORE'    a delete arrived first; counted as cancelled
    'DUPLICATE'         already known (replay, redelivery, edit): nothing changed
]]
--- @include "clock"
--- @include "counters"
--- @include "record"
--- @include "wheel"

local member = ARGV[1]
if record_exists(KEYS[1], member) then return { 'DUPLICATE', 0 } end
local finished = redis.call('GET', KEYS[2])
local early = finished and string.sub(finished, 1, 1)
if finished and early ~= 'e' and early ~= 'd' then return { 'DUPLICATE', 0 } end

local dim = ARGV[4] .. '|' .. ARGV[6] .. '|' .. ARGV[7]
local posted_at = tonumber(ARGV[8])
local warn_at = tonumber(ARGV[9])
local due_at = tonumber(ARGV[10])
local retention = tonumber(ARGV[15])

if early == 'd' then
  redis.call('SET', KEYS[2], 'c', 'PX', retention)
  bump(KEYS[4], KEYS[5], 'cancelled', dim, 1, true)
  return { 'DELETED_BEFORE', 0 }
end

if early == 'e' then
  local answered_at = from36(string.sub(finished, 2))
  redis.call('SET', KEYS[2], 'a', 'PX', retention)
  bump(KEYS[4], KEYS[5], 'opened', dim, 1, true)
  count_answer(KEYS[4], KEYS[5], dim, ARGV[7], posted_at, due_at, answered_at)
  return { 'ANSWERED_BEFORE', 0 }
end

-- A comment that arrives already overdue gets its BREACH at once; a stale WARNING is skipped.
local kind, next_at = 'BREACH', due_at
if now < due_at and warn_at < due_at then kind, next_at = 'WARNING', warn_at end
record_put(KEYS[1], member, pack_record({
  kind = kind, level = 0, next_at = next_at, posted_at = posted_at, due_at = due_at,
  interval = tonumber(ARGV[11]), max_level = tonumber(ARGV[12]), region = ARGV[4], municipality = ARGV[5],
  category = ARGV[6], priority = ARGV[7], thread = ARGV[2], page = ARGV[3], url = ARGV[14],
  excerpt = ARGV[13] }))
wheel_add(KEYS[3], member, next_at)
bump(KEYS[4], KEYS[5], 'opened', dim, 1, true)
bump(KEYS[4], KEYS[5], 'open', dim, 1, false)
return { 'OPENED', next_at }

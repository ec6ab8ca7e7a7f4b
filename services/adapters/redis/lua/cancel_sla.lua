--[[
  cancel_sla: the comment was deleted; cancel its open SLA. A delete may come before the comment.

  KEYS[1] record bucket hash   KEYS[2] finished marker   KEYS[3] due wheel index   KEYS[4] late wheel index
  KEYS[5] lease zset           KEYS[6] counters hash     KEYS[7] daily counters hash
  ARGV[1] member (comment key)  ARGV[2] retention ms

  Returns { status }:
    'CANCELLED'       the open SLA is cancelled and counted
    'DELETED_EARLY'   the comment is not known yet; it will count as cancelled when it arrives
    'DUPLICATE'       already finished: nothing changed
]]
--- @include "clock"
--- @include "counters"
--- @include "record"
--- @include "wheel"

local member = ARGV[1]
local retention = tonumber(ARGV[2])
local packed, chunks = record_get(KEYS[1], member)

if not packed then
  local finished = redis.call('GET', KEYS[2])
  if not finished or string.sub(finished, 1, 1) == 'e' then
    redis.call('SET', KEYS[2], 'd', 'PX', retention)
    return { 'DELETED_EARLY' }
  end
  return { 'DUPLICATE' }
end

local rec = unpack_record(packed)
local dim = rec.region .. '|' .. rec.category .. '|' .. rec.priority
record_del(KEYS[1], member, chunks)
if rec.kind then wheel_rem(KEYS[3], member, rec.next_at) end
wheel_rem(KEYS[4], member, rec.due_at)
redis.call('ZREM', KEYS[5], member)
redis.call('SET', KEYS[2], 'c', 'PX', retention)
bump(KEYS[6], KEYS[7], 'open', dim, -1, false)
bump(KEYS[6], KEYS[7], 'cancelled', dim, 1, true)
return { 'CANCELLED' }

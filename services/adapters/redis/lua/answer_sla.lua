--[[
  answer_sla: an official reply to a comment arrived; close the comment's SLA.
  The reply may come before the comment: the comment is then remembered as already answered.

  KEYS[1] record bucket hash   KEYS[2] finished marker   KEYS[3] due wheel index   KEYS[4] late wheel index
  KEYS[5] lease zset           KEYS[6] counters hash     KEYS[7] daily counters hash
  ARGV[1] member (comment key)  ARGV[2] answered_at ms (the reply's event time)  ARGV[3] retention ms

  Returns { status }:
    'ANSWERED'        the open SLA is closed, counted in time or late
    'ANSWERED_EARLY'  the comment is not known yet; it will count as answered when it arrives
    'DUPLICATE'       already answered, cancelled or not actionable: nothing changed
]]
--- @include "clock"
--- @include "counters"
--- @include "record"
--- @include "wheel"

local member = ARGV[1]
local answered_at = tonumber(ARGV[2])
local retention = tonumber(ARGV[3])
local packed, chunks = record_get(KEYS[1], member)

if not packed then
  local finished = redis.call('GET', KEYS[2])
  if not finished then
    redis.call('SET', KEYS[2], 'e' .. to36(answered_at), 'PX', retention)
    return { 'ANSWERED_EARLY' }
  end
  if string.sub(finished, 1, 1) == 'e' and answered_at < from36(string.sub(finished, 2)) then
    -- Several replies before the comment: the first one is the first reply.
    redis.call('SET', KEYS[2], 'e' .. to36(answered_at), 'KEEPTTL')
  end
  return { 'DUPLICATE' }
end

local rec = unpack_record(packed)
local dim = rec.region .. '|' .. rec.category .. '|' .. rec.priority
record_del(KEYS[1], member, chunks)
if rec.kind then wheel_rem(KEYS[3], member, rec.next_at) end
wheel_rem(KEYS[4], member, rec.due_at)
redis.call('ZREM', KEYS[5], member)
redis.call('SET', KEYS[2], 'a', 'PX', retention)
bump(KEYS[6], KEYS[7], 'open', dim, -1, false)
count_answer(KEYS[6], KEYS[7], dim, rec.priority, rec.posted_at, rec.due_at, answered_at)
return { 'ANSWERED' }

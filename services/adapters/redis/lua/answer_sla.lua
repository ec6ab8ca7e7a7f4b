--[[
  answer_sla: an official reply to a comment arrived; close the comment's SLA.
  The reply may come before the comment: the comment is then remembered as already answered.

  KEYS[1] comment hash   KEYS[2] due zset   KEYS[3] lease zset   KEYS[4] counters hash   KEYS[5] daily counters hash
  ARGV[1] member (comment key)  ARGV[2] answered_at ms (the reply's event time)  ARGV[3] retention ms

  Returns { status }:
    'ANSWERED'        the open SLA is closed, counted in time or late
    'ANSWERED_EARLY'  the comment is not known yet; it will count as answered when it arrives
    'DUPLICATE'       already answered, cancelled or not actionable: nothing changed
]]
--- @include "clock"
--- @include "counters"

local answered_at = tonumber(ARGV[2])
local retention = tonumber(ARGV[3])
local state = redis.call('HGET', KEYS[1], 's')

if not state then
  redis.call('HSET', KEYS[1], 's', 'answered_early', 'aa', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], retention)
  return { 'ANSWERED_EARLY' }
end

if state == 'answered_early' then
  -- Several replies before the comment: the first one is the first reply.
  local earliest = tonumber(redis.call('HGET', KEYS[1], 'aa'))
  if answered_at < earliest then redis.call('HSET', KEYS[1], 'aa', ARGV[2]) end
  return { 'DUPLICATE' }
end

if state ~= 'open' then return { 'DUPLICATE' } end

local f = redis.call('HMGET', KEYS[1], 'r', 'c', 'p', 'pa', 'da')
local dim = f[1] .. '|' .. f[2] .. '|' .. f[3]
redis.call('HSET', KEYS[1], 's', 'answered', 'aa', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
bump(KEYS[4], KEYS[5], 'open', dim, -1, false)
count_answer(KEYS[4], KEYS[5], dim, f[3], tonumber(f[4]), tonumber(f[5]), answered_at)
redis.call('PEXPIRE', KEYS[1], retention)
return { 'ANSWERED' }

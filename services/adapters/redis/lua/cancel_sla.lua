--[[
  cancel_sla: the comment was deleted; cancel its open SLA. A delete may come before the comment.

  KEYS[1] comment hash   KEYS[2] due zset   KEYS[3] lease zset   KEYS[4] counters hash   KEYS[5] daily counters hash
  ARGV[1] member (comment key)  ARGV[2] retention ms

  Returns { status }:
    'CANCELLED'       the open SLA is cancelled and counted
    'DELETED_EARLY'   the comment is not known yet; it will count as cancelled when it arrives
    'DUPLICATE'       already finished: nothing changed
]]
--- @include "clock"
--- @include "counters"

local retention = tonumber(ARGV[2])
local state = redis.call('HGET', KEYS[1], 's')

if not state or state == 'answered_early' then
  redis.call('HSET', KEYS[1], 's', 'deleted_early')
  redis.call('PEXPIRE', KEYS[1], retention)
  return { 'DELETED_EARLY' }
end
if state ~= 'open' then return { 'DUPLICATE' } end

local f = redis.call('HMGET', KEYS[1], 'r', 'c', 'p')
local dim = f[1] .. '|' .. f[2] .. '|' .. f[3]
redis.call('HSET', KEYS[1], 's', 'cancelled')
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
bump(KEYS[4], KEYS[5], 'open', dim, -1, false)
bump(KEYS[4], KEYS[5], 'cancelled', dim, 1, true)
redis.call('PEXPIRE', KEYS[1], retention)
return { 'CANCELLED' }

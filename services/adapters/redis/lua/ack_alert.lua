--[[
  ack_alert: the alert for (comment, kind, level) is durably published; count it and schedule the next
  one (WARNING -> BREACH at due_at -> ESCALATION 1, 2, ... every interval, up to the maximum level).

  KEYS[1] comment hash   KEYS[2] due zset   KEYS[3] lease zset   KEYS[4] counters hash   KEYS[5] daily counters hash
  ARGV[1] member (comment key)  ARGV[2] kind  ARGV[3] level

  Returns { status, next_at }:
    'ACKED'   counted; next_at is the next alert's time, or 0 when there is none
    'STALE'   the comment is no longer at this alert (answered, cancelled, or another sweeper acked it
              first): nothing changed
]]
--- @include "clock"
--- @include "counters"

local f = redis.call('HMGET', KEYS[1], 's', 'nk', 'nl', 'r', 'c', 'p', 'da', 'ei', 'ml')
if f[1] ~= 'open' or f[2] ~= ARGV[2] or f[3] ~= ARGV[3] then return { 'STALE', 0 } end

local dim = f[4] .. '|' .. f[5] .. '|' .. f[6]
local due_at, interval, max_level = tonumber(f[7]), tonumber(f[8]), tonumber(f[9])
local level = tonumber(ARGV[3])
local next_kind, next_level, next_at = nil, 0, 0

if ARGV[2] == 'WARNING' then
  bump(KEYS[4], KEYS[5], 'warned', dim, 1, true)
  next_kind, next_at = 'BREACH', due_at
elseif ARGV[2] == 'BREACH' then
  bump(KEYS[4], KEYS[5], 'breached', dim, 1, true)
  if max_level > 0 and interval > 0 then next_kind, next_level, next_at = 'ESCALATION', 1, due_at + interval end
else
  bump(KEYS[4], KEYS[5], 'escalated', dim, 1, true)
  if level < max_level then
    next_kind, next_level, next_at = 'ESCALATION', level + 1, due_at + (level + 1) * interval
  end
end

redis.call('ZREM', KEYS[3], ARGV[1])
if next_kind then
  redis.call('HSET', KEYS[1], 'nk', next_kind, 'nl', next_level)
  redis.call('ZADD', KEYS[2], next_at, ARGV[1])
else
  redis.call('HDEL', KEYS[1], 'nk', 'nl')
end
return { 'ACKED', next_at }

--[[
  claim_due: claim the shard's alerts that are due, by the Redis server's clock, under a lease.
  Claimed items move from the due set to the lease set; a sweeper that dies before ack_alert leaves
  them there, and once the lease expires the next claim hands them out again (at-least-once).

  KEYS[1] due zset   KEYS[2] lease zset
  ARGV[1] comment hash key prefix of this shard (same hash tag)  ARGV[2] max items  ARGV[3] lease ms

  Returns { now, earliest, items }:
    now       the server time of the claim (the alerts' fired_at)
    earliest  score of the earliest item left in the due set, or -1 when it is empty
    items     one array per claimed alert: member, kind, level, platform, comment_id, thread_id, page_id,
              region, municipality, category, priority, posted_at, due_at, excerpt, url
]]
--- @include "clock"

local limit = tonumber(ARGV[2])
local lease_until = now + tonumber(ARGV[3])
local items = {}

local function claim(member)
  local f = redis.call('HMGET', ARGV[1] .. member, 's', 'nk', 'nl', 'pl', 'cid', 'th', 'pg', 'r', 'm', 'c',
    'p', 'pa', 'da', 'x', 'u')
  redis.call('ZREM', KEYS[1], member)
  if f[1] ~= 'open' or not f[2] then
    -- Answered, cancelled or expired since it was scheduled: nothing to alert.
    redis.call('ZREM', KEYS[2], member)
    return
  end
  local kind = f[2]
  if kind == 'WARNING' and now >= tonumber(f[13]) then
    -- A sweeper that was away past due_at skips the stale WARNING and goes straight to the BREACH.
    kind = 'BREACH'
    redis.call('HSET', ARGV[1] .. member, 'nk', kind)
  end
  redis.call('ZADD', KEYS[2], lease_until, member)
  items[#items + 1] = { member, kind, f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12], f[13],
    f[14], f[15] }
end

for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)) do
  claim(member)
end
if #items < limit then
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit - #items)) do
    claim(member)
  end
end

local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local earliest = -1
if first[2] then earliest = tonumber(first[2]) end
local lease_first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if lease_first[2] and (earliest < 0 or tonumber(lease_first[2]) < earliest) then
  earliest = tonumber(lease_first[2])
end
return { now, earliest, items }

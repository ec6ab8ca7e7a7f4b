--[[
  claim_due: claim the shard's alerts that are due, by the Redis server's clock, under a lease.
  Claimed items move from the due wheel to the lease set; a sweeper that dies before ack_alert leaves
  them there, and once the lease expires the next claim hands them out again (at-least-once).
  A claimed BREACH also enters the late wheel (by due_at), which lists overdue comments for the board;
  the `overdue` gauge of its region, category and priority counts it once, when it enters (a BREACH
  claimed again after its lease expired is in the late wheel already).

  KEYS[1] due wheel index   KEYS[2] lease zset   KEYS[3] late wheel index   KEYS[4] counters hash
  ARGV[1] record bucket key prefix of this shard (same hash tag)  ARGV[2] record buckets per shard
  ARGV[3] max items  ARGV[4] lease ms

  Returns { now, earliest, items }:
    now       the server time of the claim (the alerts' fired_at)
    earliest  the earliest scheduled alert or lease expiry left in the shard, or -1 when there is none
    items     one row per claimed alert (`record_row` in includes/record.lua: member, due_at, posted_at,
              region, category, priority, the claimed alert's kind and level, record tail)
]]
--- @include "clock"
--- @include "counters"
--- @include "record"
--- @include "wheel"

local buckets = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local lease_until = now + tonumber(ARGV[4])
local items = {}

local function claim(member, from_lease)
  local bucket = ARGV[1] .. bucket_of(member, buckets)
  local packed, chunks = record_get(bucket, member)
  local rec = packed and unpack_record(packed)
  if not rec or not rec.kind then
    -- Answered, cancelled or past its last alert since it was scheduled: nothing to alert.
    redis.call('ZREM', KEYS[2], member)
    return
  end
  if rec.kind == 'WARNING' and now >= rec.due_at then
    -- A sweeper that was away past due_at skips the stale WARNING and goes straight to the BREACH.
    rec.kind, rec.next_at = 'BREACH', rec.due_at
    record_put(bucket, member, pack_record(rec), chunks)
  end
  if rec.kind == 'BREACH' and wheel_add(KEYS[3], member, rec.due_at, from_lease) then
    bump(KEYS[4], nil, 'overdue', rec.region .. '|' .. rec.category .. '|' .. rec.priority, 1, false)
  end
  redis.call('ZADD', KEYS[2], lease_until, member)
  items[#items + 1] = record_row(member, rec)
end

for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)) do
  claim(member, true)
end

for _, member in ipairs(wheel_take(KEYS[1], now, limit - #items)) do claim(member, false) end

local earliest = wheel_first(KEYS[1]) or -1
local lease_first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if lease_first[2] and (earliest < 0 or tonumber(lease_first[2]) < earliest) then
  earliest = tonumber(lease_first[2])
end
flush_counters()
return { now, earliest, items }

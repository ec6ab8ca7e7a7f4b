--[[
  claim_due: claim the shard's alerts that are due, by the Redis server's clock, under a lease.
  Claimed items move from the due wheel to the lease set; a sweeper that dies before ack_alert leaves
  them there, and once the lease expires the next claim hands them out again (at-least-once).
  A claimed BREACH also enters the late wheel (by due_at), which lists overdue comments for the board;
  the `overdue` gauge of its region, category and priority counts it once, when it enters (the record's
  late slot says it is in already: a BREACH claimed again after its lease expired).

  The due wheel's windows whose move time has come (a minute 60 s before it starts, an hour window 10
  minutes before) move first, whole and in move-time order, into the exact `soon` zset (at most about
  MOVE_BUDGET members per call, includes/wheel.lua wheel_move), and the claim takes from `soon` in time
  order. A `soon` member later than the move time of a window not moved yet is never handed out before
  that window moved (nothing due is overtaken); while moves are pending `earliest` is now, so the
  sweeper comes straight back.

  KEYS[1] due wheel (base key)   KEYS[2] lease zset   KEYS[3] late wheel (base key)   KEYS[4] counters hash
  KEYS[5] the due wheel's `soon` zset
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

local MOVE_BUDGET = 5000

local buckets = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local lease_until = now + tonumber(ARGV[4])
local soon = KEYS[5]
local items = {}

local function claim(member)
  local bucket = ARGV[1] .. bucket_of(member, buckets)
  local packed = record_get(bucket, member)
  local rec = packed and unpack_record(packed)
  if not rec or not rec.kind then
    -- Answered, cancelled or past its last alert since it was scheduled: nothing to alert.
    redis.call('ZREM', KEYS[2], member)
    return
  end
  local changed = false
  if rec.kind == 'WARNING' and now >= rec.due_at then
    -- A sweeper that was away past due_at skips the stale WARNING and goes straight to the BREACH.
    rec.kind, rec.next_at, changed = 'BREACH', rec.due_at, true
  end
  if rec.kind == 'BREACH' and not rec.late_slot then
    rec.late_slot, changed = wheel_add(KEYS[3], member, rec.due_at), true
    -- Another target's record (`<key>#final`, `<key>#next`: issue #16) counts under its own metrics.
    bump(KEYS[4], nil, target_prefix(member) .. 'overdue', rec.region .. '|' .. rec.category .. '|' .. rec.priority, 1, false)
  end
  if changed then record_put(bucket, member, pack_record(rec)) end
  redis.call('ZADD', KEYS[2], lease_until, member)
  items[#items + 1] = record_row(member, rec)
end

for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)) do
  claim(member)
end

local pending, unmoved = wheel_move(KEYS[1], soon, now, MOVE_BUDGET)
local until_score = now
if unmoved and unmoved <= now then until_score = unmoved - 1 end
if #items < limit then
  local members = redis.call('ZRANGEBYSCORE', soon, '-inf', int_text(until_score), 'LIMIT', 0, limit - #items)
  if #members > 0 then
    redis.call('ZREM', soon, unpack(members))
    for _, member in ipairs(members) do claim(member) end
  end
end

local earliest = -1
local function consider(t)
  if t and (earliest < 0 or t < earliest) then earliest = t end
end
if pending then
  earliest = now
else
  local soon_first = redis.call('ZRANGE', soon, 0, 0, 'WITHSCORES')
  consider(tonumber(soon_first[2]))
  if unmoved then consider(math.max(now, unmoved)) end
  local lease_first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  consider(tonumber(lease_first[2]))
end
flush_wheels()
flush_counters()
return { now, earliest, items }

--[[
  read_deadlines (read-only): the shard's overdue comments, oldest due_at first, and how many open
  comments fall due within the horizon. For the ops board; never changes anything.

  KEYS[1] due wheel index   KEYS[2] late wheel index   KEYS[3] lease zset
  ARGV[1] record bucket key prefix of this shard (same hash tag)  ARGV[2] record buckets per shard
  ARGV[3] max overdue items  ARGV[4] horizon ms  ARGV[5] max members scanned per set

  Returns { now, due_soon, truncated, items }:
    now        the server time of the read
    due_soon   open comments with now < due_at <= now + horizon
    truncated  1 when a scan stopped at ARGV[5] (counts and the list may then be short), else 0
    items      per overdue comment, oldest due_at first: member, due_at, posted_at, region, category,
               priority, next alert kind ('' = none), level, record tail (municipality, thread, page, url,
               excerpt: services/adapters/redis/record/record.ts)
]]
--- @include "clock"
--- @include "record"
--- @include "wheel"

local buckets = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local horizon_end = now + tonumber(ARGV[4])
local cap = tonumber(ARGV[5])
local due_soon, truncated = 0, 0
local overdue, seen = {}, {}

local function bucket(member) return ARGV[1] .. bucket_of(member, buckets) end
local function consider(member)
  if seen[member] then return end
  seen[member] = true
  local packed = record_get(bucket(member), member, true)
  if not packed then return end
  local due_at = unpack_head(packed).due_at
  if due_at <= now then
    overdue[#overdue + 1] = { member, due_at }
  elseif due_at <= horizon_end then
    due_soon = due_soon + 1
  end
end

-- Breached comments, by due_at: the oldest `limit` of them are the oldest overdue ones that were claimed.
wheel_scan(KEYS[2], now, limit, consider)
-- Not yet claimed: every open comment due before the horizon has its next alert before the horizon.
if wheel_scan(KEYS[1], horizon_end, cap, consider) >= cap then truncated = 1 end
local leased = redis.call('ZRANGE', KEYS[3], 0, cap - 1)
if #leased >= cap then truncated = 1 end
for _, member in ipairs(leased) do consider(member) end

table.sort(overdue, function(a, b)
  if a[2] ~= b[2] then return a[2] < b[2] end
  return a[1] < b[1]
end)
local items = {}
for i = 1, math.min(limit, #overdue) do
  local member = overdue[i][1]
  local rec = unpack_record((record_get(bucket(member), member)))
  items[i] = { member, rec.due_at, rec.posted_at, rec.region, rec.category, rec.priority, rec.kind or '',
    rec.level or 0, rec.tail }
end
return { now, due_soon, truncated, items }

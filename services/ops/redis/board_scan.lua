--[[
  board_scan (read-only): what the ops board needs beyond the counters, for one shard. Never changes
  anything. Uses the SLA store's layout and includes (services/adapters/redis/lua/_README.md).

  KEYS[1] due wheel index   KEYS[2] late wheel index   KEYS[3] lease zset
  ARGV[1] record bucket key prefix of this shard (same hash tag)  ARGV[2] record buckets per shard
  ARGV[3] max overdue items to return  ARGV[4] horizon ms  ARGV[5] max members visited per set
  ARGV[6] region filter ('' = any)  ARGV[7] category filter ('' = any)  ARGV[8] priority filter ('' = any)

  Returns { now, truncated, counts, items }:
    now        the server time of the read
    truncated  1 when a set had more than ARGV[5] members to visit (counts and items may be short)
    counts     flat: 'region|category|priority', overdue, due within the horizon, ... (every open comment
               that is overdue or due soon, whatever the filter)
    items      the overdue comments that match the filter, oldest due_at first, at most ARGV[3]: member,
               due_at, posted_at, region, municipality, category, priority, thread_id, page_id, url,
               excerpt, next alert kind ('' = none), level

  Cost: one record read per comment that is overdue or due within the horizon (the wheels hold them in
  order; nothing else is visited).
]]
--- @include "clock"
--- @include "record"
--- @include "wheel"

local buckets = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local horizon_end = now + tonumber(ARGV[4])
local cap = tonumber(ARGV[5])
local want_region, want_category, want_priority = ARGV[6], ARGV[7], ARGV[8]
local truncated = 0
local seen, counts, matches = {}, {}, {}

local function bucket(member) return ARGV[1] .. bucket_of(member, buckets) end

local function consider(member)
  if seen[member] then return end
  seen[member] = true
  local packed = record_get(bucket(member), member)
  if not packed then return end
  local rec = unpack_record(packed)
  local overdue = rec.due_at <= now
  if not overdue and rec.due_at > horizon_end then return end
  local dim = rec.region .. '|' .. rec.category .. '|' .. rec.priority
  local c = counts[dim]
  if not c then
    c = { 0, 0 }
    counts[dim] = c
  end
  if not overdue then
    c[2] = c[2] + 1
    return
  end
  c[1] = c[1] + 1
  if (want_region == '' or want_region == rec.region) and (want_category == '' or want_category == rec.category)
    and (want_priority == '' or want_priority == rec.priority) then
    matches[#matches + 1] = { member, rec.due_at }
  end
end

-- Breached comments (by due_at); then the ones whose next alert falls before the horizon, which holds
-- every comment due before it that the sweeper has not claimed yet; then alerts in flight.
if wheel_scan(KEYS[2], now, cap, consider) >= cap then truncated = 1 end
if wheel_scan(KEYS[1], horizon_end, cap, consider) >= cap then truncated = 1 end
local leased = redis.call('ZRANGE', KEYS[3], 0, cap - 1)
if #leased >= cap then truncated = 1 end
for _, member in ipairs(leased) do consider(member) end

table.sort(matches, function(a, b)
  if a[2] ~= b[2] then return a[2] < b[2] end
  return a[1] < b[1]
end)
local items = {}
for i = 1, math.min(limit, #matches) do
  local member = matches[i][1]
  local rec = unpack_record((record_get(bucket(member), member)))
  items[i] = { member, rec.due_at, rec.posted_at, rec.region, rec.municipality, rec.category, rec.priority,
    rec.thread, rec.page, rec.url, rec.excerpt, rec.kind or '', rec.level or 0 }
end
local flat = {}
for dim, c in pairs(counts) do
  flat[#flat + 1] = dim
  flat[#flat + 1] = c[1]
  flat[#flat + 1] = c[2]
end
return { now, truncated, flat, items }

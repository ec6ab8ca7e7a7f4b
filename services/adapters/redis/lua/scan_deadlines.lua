--[[
  scan_deadlines (read-only): the one deadline read of a shard, for the ops board, the CLI, tools and
  tests (SlaReader.deadlines in services/adapters/redis/reader/sla-reader.ts); unfiltered when ARGV[6..8]
  are ''. Never changes anything. Uses the SLA store's layout and includes (lua/_README.md).

  KEYS[1] due wheel (base key)   KEYS[2] late wheel (base key)   KEYS[3] lease zset
  KEYS[4] the due wheel's `soon` zset
  ARGV[1] record bucket key prefix of this shard (same hash tag)  ARGV[2] record buckets per shard
  ARGV[3] max overdue items to return  ARGV[4] horizon ms  ARGV[5] max members visited per set
  ARGV[6] region filter ('' = any)  ARGV[7] category filter ('' = any)  ARGV[8] priority filter ('' = any)

  Returns { now, truncated, counts, items, overdue, exact }:
    now        the server time of the read
    truncated  1 when a set had more members to visit than ARGV[5] (the due-soon counts are then lower
               bounds) or the late wheel had more than were visited and fewer than ARGV[3] of them
               matched (a filtered list may then be short)
    counts     flat: 'region|category|priority' (with '|F' or '|N' for the final answer's or the next
               reply's records, issue #16), overdue not in the late wheel, due within the horizon, ...
               over the members visited, whatever the filter. Overdue comments in the late wheel are not
               counted here: the `overdue` gauge of the counters hash counts them all, exactly
               (lua/_README.md); the ones outside it (BREACH not claimed yet) come first in the due wheel,
               so these counts of them are exact whenever `exact` is 1
    items      the overdue comments that match the filter, oldest due_at first, at most ARGV[3], one
               `record_row` each (includes/record.lua)
    overdue    every overdue comment of the shard: the late wheel's size (ZCARD per slot, no record
               read) plus the overdue ones visited that the sweeper has not claimed yet
    exact      1 when `overdue` is exact; 0 when more unclaimed overdue comments than ARGV[5] wait (the
               sweepers are behind), and `overdue` is a lower bound

  Cost: a ZCARD per late-wheel slot; record reads of at most ARGV[5] members per set in the wheels'
  order (the due wheel's `soon` first, then its minutes), and of the late wheel only its oldest ARGV[3] (whole minutes) when unfiltered: the late wheel is
  in due_at order and adds nothing to the counts, so its oldest members are all an unfiltered list needs.
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

-- The cells of the other targets end in `|F` (final answer) or `|N` (next reply).
local TARGET_SUFFIX = { final = '|F', next = '|N' }

local function bucket(member) return ARGV[1] .. bucket_of(member, buckets) end

-- `from`: 'late' (claimed breach), 'due' (next alert not claimed yet) or 'lease' (alert in flight).
local extra_overdue = 0
local late_matched = 0
local function consider(member, from)
  if seen[member] then return end
  seen[member] = true
  local packed = record_get(bucket(member), member)
  if not packed then return end
  local rec = unpack_record(packed)
  local overdue = rec.due_at <= now
  if not overdue and rec.due_at > horizon_end then return end
  -- Another target's record (`<key>#final`, `<key>#next`: issue #16) counts under its own cell.
  local dim = rec.region .. '|' .. rec.category .. '|' .. rec.priority .. (TARGET_SUFFIX[string.match(member, '#(%l+)$') or ''] or '')
  local c = counts[dim]
  if not c then
    c = { 0, 0 }
    counts[dim] = c
  end
  if not overdue then
    c[2] = c[2] + 1
    return
  end
  -- Not in the late wheel yet: its BREACH is not claimed (a claimed BREACH enters the late wheel).
  if (from == 'due' and (rec.kind == 'WARNING' or rec.kind == 'BREACH'))
    or (from == 'lease' and rec.kind == 'WARNING') then
    extra_overdue = extra_overdue + 1
    c[1] = c[1] + 1
  end
  if (want_region == '' or want_region == rec.region) and (want_category == '' or want_category == rec.category)
    and (want_priority == '' or want_priority == rec.priority) then
    matches[#matches + 1] = { member, rec.due_at }
    if from == 'late' then late_matched = late_matched + 1 end
  end
end

local late_total = wheel_size(KEYS[2])

-- Breached comments (by due_at); then the ones whose next alert falls before the horizon, which holds
-- every comment due before it that the sweeper has not claimed yet; then alerts in flight.
local filtered = want_region ~= '' or want_category ~= '' or want_priority ~= ''
local late_visited = wheel_scan(KEYS[2], now, filtered and cap or limit, function(m) consider(m, 'late') end)
if late_visited < late_total and late_matched < limit then truncated = 1 end
-- The due wheel in next-alert order: unclaimed overdue comments come before the ones due soon, so
-- the overdue total stays exact unless the visit stops before it passes `now`.
local last_due_score = -1
local visited_due = wheel_scan(KEYS[1], horizon_end, cap, function(m, score)
  last_due_score = score
  consider(m, 'due')
end, KEYS[4])
local overdue_exact = 1
if visited_due >= cap then
  truncated = 1
  -- `soon` comes before the windows not moved yet: a member of those due at or before now may be
  -- unvisited too (only when the sweepers are behind: a window moves before its members fall due).
  if last_due_score <= now or wheel_unmoved_due(KEYS[1], now, 16) then overdue_exact = 0 end
end
local leased = redis.call('ZRANGE', KEYS[3], 0, cap - 1)
if #leased >= cap then truncated = 1 end
for _, member in ipairs(leased) do consider(member, 'lease') end

table.sort(matches, function(a, b)
  if a[2] ~= b[2] then return a[2] < b[2] end
  return a[1] < b[1]
end)
local items = {}
for i = 1, math.min(limit, #matches) do
  local member = matches[i][1]
  local rec = unpack_record((record_get(bucket(member), member)))
  items[i] = record_row(member, rec)
end
local flat = {}
for dim, c in pairs(counts) do
  flat[#flat + 1] = dim
  flat[#flat + 1] = c[1]
  flat[#flat + 1] = c[2]
end
return { now, truncated, flat, items, late_total + extra_overdue, overdue_exact }

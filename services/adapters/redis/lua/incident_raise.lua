--[[
  incident_raise: an open incident's member gets its SLA priority raised (docs/incidents.md#consequences),
  once per comment whatever repeats: the marker key says it was done (or found nothing to do), and
  expires with the SLA retention. The record's priority is rewritten in place and its `open` gauge (and
  `overdue`, when it is in the late wheel) moves to the new priority's dimension; nothing else changes:
  deadlines, wheels and the daily counters stay as they were set when it opened.

  Under the appeal lifecycle the raise is the lifecycle's (appeal-lifecycle.ts `raise`: the state's
  subject, the records and their deadlines agree) and this script only sets the marker (ARGV[5] '0').

  KEYS[1] the member's record bucket   KEYS[2] counters hash   KEYS[3] marker key
  ARGV[1] comment key  ARGV[2] steps up  ARGV[3] marker ttl seconds  ARGV[4] incident id
  ARGV[5] '0': the marker alone (returns MARKED, or DUPLICATE); else raise as above

  Returns { outcome, from, to }: RAISED, DUPLICATE (marker present), NOT_OPEN (no open record: answered,
  never opened, a campaign's or an official's), AT_TOP (already critical).
]]
--- @include "clock"
--- @include "counters"
--- @include "record"

if redis.call('EXISTS', KEYS[3]) == 1 then return { 'DUPLICATE', '', '' } end
local ORDER = { 'low', 'normal', 'high', 'critical' }
local RANK = { low = 1, normal = 2, high = 3, critical = 4 }
local mark = function() redis.call('SET', KEYS[3], ARGV[4], 'EX', ARGV[3]) end
if ARGV[5] == '0' then
  mark()
  return { 'MARKED', '', '' }
end

local packed = record_get(KEYS[1], ARGV[1])
if not packed then
  mark()
  return { 'NOT_OPEN', '', '' }
end
local rec = unpack_record(packed)
local from = rec.priority
local rank = RANK[from]
if not rank or rank == 4 then
  mark()
  return { 'AT_TOP', from, from }
end
local to = ORDER[math.min(4, rank + tonumber(ARGV[2]))]
local f = split_fields(packed, 11)
f[11] = PRIORITY_CODES[to]
redis.call('HSET', KEYS[1], ARGV[1], table.concat(f, SEP))
local old_dim = rec.region .. '|' .. rec.category .. '|' .. from
local new_dim = rec.region .. '|' .. rec.category .. '|' .. to
bump(KEYS[2], nil, 'open', old_dim, -1, false)
bump(KEYS[2], nil, 'open', new_dim, 1, false)
if rec.late_slot then
  bump(KEYS[2], nil, 'overdue', old_dim, -1, false)
  bump(KEYS[2], nil, 'overdue', new_dim, 1, false)
end
flush_counters()
mark()
return { 'RAISED', from, to }

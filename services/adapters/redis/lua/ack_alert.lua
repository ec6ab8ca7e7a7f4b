--[[
  ack_alert: the alert for (comment, kind, level) is durably published; count it and schedule the next
  one (WARNING -> BREACH at due_at -> ESCALATION 1, 2, ... at due_at + level * interval, by the wall
  clock, up to the maximum level).

  KEYS[1] record bucket hash   KEYS[2] due wheel (base key)   KEYS[3] lease zset   KEYS[4] counters hash
  KEYS[5] daily counters hash
  ARGV[1] member (comment key)  ARGV[2] kind  ARGV[3] level

  Returns { status, next_at }:
    'ACKED'   counted; next_at is the next alert's time, or 0 when there is none
    'STALE'   the comment is no longer at this alert (answered, cancelled, or another sweeper acked it
              first): nothing changed
]]
--- @include "clock"
--- @include "counters"
--- @include "record"
--- @include "wheel"

local member = ARGV[1]
local packed = record_get(KEYS[1], member)
if not packed then return { 'STALE', 0 } end
local rec = unpack_record(packed)
local level = tonumber(ARGV[3])
if rec.kind ~= ARGV[2] or rec.level ~= level then return { 'STALE', 0 } end

-- Another target's record (`<key>#final`, `<key>#next`: issue #16) counts under its own metrics.
local prefix = target_prefix(member)
local dim = rec.region .. '|' .. rec.category .. '|' .. rec.priority
local next_kind, next_level, next_at = nil, 0, 0
if rec.kind == 'WARNING' then
  bump(KEYS[4], KEYS[5], prefix .. 'warned', dim, 1, true)
  rec.warned = true
  next_kind, next_at = 'BREACH', rec.due_at
elseif rec.kind == 'BREACH' then
  bump(KEYS[4], KEYS[5], prefix .. 'breached', dim, 1, true)
  if rec.max_level > 0 and rec.interval > 0 then
    next_kind, next_level, next_at = 'ESCALATION', 1, rec.due_at + rec.interval
  end
else
  bump(KEYS[4], KEYS[5], prefix .. 'escalated', dim, 1, true)
  if level < rec.max_level then
    next_kind, next_level, next_at = 'ESCALATION', level + 1, rec.due_at + (level + 1) * rec.interval
  end
end

redis.call('ZREM', KEYS[3], member)
rec.kind, rec.level, rec.next_at, rec.due_slot = next_kind, next_level, next_at, nil
if next_kind then rec.due_slot = wheel_add(KEYS[2], member, next_at, nil, now) end
record_put(KEYS[1], member, pack_record(rec))
flush_wheels()
flush_counters()
return { 'ACKED', next_at }

--[[
  migrate_step (offline layout migration, `otklik migrate-layout`): converts ONE record bucket of the
  previous layout (v1: `r:<0..1023>`, each record cut into chunk fields `<member>0`, `<member>1`, ...,
  chunk 0 starting with the chunk count in base 36 and ':') into layout v2, atomically: every record is
  re-packed with its wheel slots into its v2 bucket (one field), scheduled in the v2 due wheel and/or
  late wheel as it was in the v1 ones, and the v1 bucket is deleted. A bucket is converted whole or not
  at all, so a migration that stopped anywhere is resumed by running every step again (a bucket already
  gone is a no-op). The v1 wheels are not read here (finding a member among a busy minute's v1 slots
  costs a ZSCORE per slot); migrate_finish.lua deletes them once every bucket is converted.

  Where a v1 record was, from the v1 transitions (test/fixtures/sla-layout-v1): a record with a next
  alert is in the due wheel unless its alert is claimed (then it is in the lease set, which both layouts
  share, and its ack schedules the next one); it is in the late wheel once its BREACH was claimed, i.e.
  when its alert is an ESCALATION or none is left, or it is a BREACH in the lease set. The `overdue`
  gauge, which counts the late wheel's members, stays exact.

  KEYS[1] v1 record bucket   KEYS[2] v2 due wheel (base key)   KEYS[3] v2 late wheel (base key)
  KEYS[4] lease zset
  ARGV[1] v2 record bucket key prefix of this shard (same hash tag)   ARGV[2] v2 record buckets per shard

  Returns the number of records converted.
]]
--- @include "record"
--- @include "wheel"

local flat = redis.call('HGETALL', KEYS[1])
if #flat == 0 then return 0 end
local chunks, members = {}, {}
for j = 1, #flat, 2 do
  local field = flat[j]
  -- A chunk field is the member and one byte, char(48 + chunk number).
  local member, i = string.sub(field, 1, -2), string.byte(field, -1) - 48
  local t = chunks[member]
  if not t then
    t = {}
    chunks[member] = t
    members[#members + 1] = member
  end
  t[i] = flat[j + 1]
end

local buckets = tonumber(ARGV[2])
local converted = 0
for _, member in ipairs(members) do
  local t = chunks[member]
  local first = t[0]
  if first then
    local colon = string.find(first, ':', 1, true)
    local n = tonumber(string.sub(first, 1, colon - 1), 36)
    local parts = { string.sub(first, colon + 1) }
    for i = 1, n - 1 do parts[i + 1] = t[i] or '' end
    local v1 = table.concat(parts)
    -- v1: `<kind><level>` SEP `next_at - posted_at` SEP body; v2 adds the two slot fields before body.
    local a = string.find(v1, SEP, 1, true)
    local b = string.find(v1, SEP, a + 1, true)
    local rec = unpack_record(string.sub(v1, 1, b) .. SEP .. SEP .. string.sub(v1, b + 1))
    local leased = redis.call('ZSCORE', KEYS[4], member)
    if rec.kind and not leased then rec.due_slot = wheel_add(KEYS[2], member, rec.next_at) end
    if rec.kind ~= 'WARNING' and (rec.kind ~= 'BREACH' or leased) then
      rec.late_slot = wheel_add(KEYS[3], member, rec.due_at)
    end
    record_put(ARGV[1] .. bucket_of(member, buckets), member, pack_record(rec))
    converted = converted + 1
  end
end
redis.call('DEL', KEYS[1])
flush_wheels()
return converted

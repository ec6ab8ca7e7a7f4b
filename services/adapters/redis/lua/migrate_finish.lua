--[[
  migrate_finish (offline layout migration, after migrate_step.lua converted every v1 record bucket of
  the shard): deletes the v1 wheels (`due`, `late` indexes and their `<index>:<slot id>` slots), at most
  ARGV[1] slots per call, and stamps the shard's layout version once nothing of them is left. Every
  member of the v1 wheels was scheduled again by migrate_step from its record (a member without a
  record was a stale entry the v1 claim would have dropped).

  KEYS[1] v1 due wheel index   KEYS[2] v1 late wheel index   KEYS[3] layout version key
  ARGV[1] max slots deleted per call   ARGV[2] the version to stamp

  Returns 1 when the shard is done (version stamped), 0 when more calls are needed.
]]
local budget = tonumber(ARGV[1])
for k = 1, 2 do
  local index = KEYS[k]
  local ids = redis.call('ZRANGE', index, 0, budget - 1)
  if #ids > 0 then
    local slots = {}
    for i, id in ipairs(ids) do slots[i] = index .. ':' .. id end
    redis.call('DEL', unpack(slots))
    redis.call('ZREM', index, unpack(ids))
    budget = budget - #ids
  end
  if budget <= 0 then return 0 end
end
if redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then return 0 end
redis.call('SET', KEYS[3], ARGV[2])
return 1

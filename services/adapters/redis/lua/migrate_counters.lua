--[[
  migrate_counters (offline upgrade of a layout-v2 shard to v3, services/adapters/redis/migrate-layout.ts):
  v2 counted the `open` gauge of a positioned dimension in its own slot of the totals string (+1 per
  open, -1 per close); v3 derives it on read as `opened` + that slot, so that an open writes one
  counter fewer. The slot therefore becomes open - opened for every position, and the version is
  stamped, in one atomic call: run twice, the second finds the shard stamped and changes nothing. Records,
  wheels, markers and the hash fields (where `open` stays a plain count) are the same in both.

  KEYS[1] layout version key   KEYS[2] the shard's totals string (`<tag>:cnt:b`)
  ARGV[1] the version converted from ('2')   ARGV[2] the version stamped ('3')

  Returns 1 when this call converted the shard, 0 when it was not at ARGV[1] (nothing changed).
]]
local DIM_SLOTS = 4096
local OPEN_METRIC = 1
local BITFIELD_OPS = 1000

if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local opened = redis.call('GETRANGE', KEYS[2], 0, DIM_SLOTS * 8 - 1)
local args, ops = {}, 0
for pos = 0, math.floor(#opened / 8) - 1 do
  local value = struct.unpack('>i8', opened, pos * 8 + 1)
  if value ~= 0 then
    args[#args + 1] = 'INCRBY'
    args[#args + 1] = 'i64'
    args[#args + 1] = string.format('#%d', OPEN_METRIC * DIM_SLOTS + pos)
    args[#args + 1] = string.format('%d', -value)
    ops = ops + 1
    if ops == BITFIELD_OPS then
      redis.call('BITFIELD', KEYS[2], unpack(args))
      args, ops = {}, 0
    end
  end
end
if ops > 0 then redis.call('BITFIELD', KEYS[2], unpack(args)) end
redis.call('SET', KEYS[1], ARGV[2])
return 1

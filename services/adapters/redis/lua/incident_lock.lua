-- Takes or renews a detector shard's lock (docs/incidents.md#the-service): the one process that runs
-- the shard's detector now. KEYS[1] lock; ARGV[1] token, ARGV[2] ttl ms. Returns 1 when held.
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1

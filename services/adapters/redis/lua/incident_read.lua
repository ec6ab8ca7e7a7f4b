-- A consistent view of a detector shard from a position on (docs/incidents.md#the-service).
-- KEYS[1] meta, KEYS[2] log; ARGV[1] first sequence number wanted, ARGV[2] most records.
-- Returns { seq, base, offsets (field, value, ...) as one flat array, records from max(ARGV[1], base) }.
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local base = tonumber(redis.call('HGET', KEYS[1], 'base') or '0')
local from = math.max(tonumber(ARGV[1]), base)
local offsets = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if string.sub(all[i], 1, 4) == 'off:' then
    offsets[#offsets + 1] = all[i]
    offsets[#offsets + 1] = all[i + 1]
  end
end
local records = {}
if from < seq then
  records = redis.call('LRANGE', KEYS[2], from - base, from - base + tonumber(ARGV[2]) - 1)
end
return { seq, base, offsets, records }

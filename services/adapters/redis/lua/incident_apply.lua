-- Appends a chunk's comments to a detector shard's log with what they caused, at once
-- (docs/incidents.md#the-service). Fenced twice: by the shard's lock token and by the sequence number
-- the caller's detector was at, so a process whose lock expired, or that missed another's chunk,
-- writes nothing and catches up instead. A repeat of a chunk never gets here twice: the caller drops
-- records at or below the offsets stored with the log.
--
-- KEYS[1] meta, KEYS[2] log, KEYS[3] outbox, KEYS[4] open incidents, KEYS[5] lock,
-- KEYS[5 + i] the member set of the i-th event.
-- ARGV: token, expected seq, #records, #offset pairs, #events, trim-to seq (0: none), member ttl s,
-- then the records, the offset pairs (field, next offset), and per event:
-- incident id, outbox payload, open summary ('' when it closed), #members, members.
if redis.call('GET', KEYS[5]) ~= ARGV[1] then return { -1, 0 } end
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if seq ~= tonumber(ARGV[2]) then return { -2, seq } end
local nrec, noff, nev = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local ttl = tonumber(ARGV[7])
local i = 8
for _ = 1, nrec do
  redis.call('RPUSH', KEYS[2], ARGV[i])
  i = i + 1
end
seq = seq + nrec
redis.call('HSET', KEYS[1], 'seq', seq)
for _ = 1, noff do
  local field, next_offset = ARGV[i], tonumber(ARGV[i + 1])
  local stored = tonumber(redis.call('HGET', KEYS[1], field) or '0')
  if next_offset > stored then redis.call('HSET', KEYS[1], field, next_offset) end
  i = i + 2
end
for e = 1, nev do
  local id, payload, summary, nmem = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  i = i + 4
  redis.call('RPUSH', KEYS[3], payload)
  redis.call('HINCRBY', KEYS[1], 'queued', 1)
  local members = KEYS[5 + e]
  for _ = 1, nmem do
    redis.call('SADD', members, ARGV[i])
    i = i + 1
  end
  if summary == '' then
    redis.call('HDEL', KEYS[4], id)
    if redis.call('EXISTS', members) == 1 then redis.call('EXPIRE', members, ttl) end
  else
    redis.call('HSET', KEYS[4], id, summary)
  end
end
local trim = tonumber(ARGV[6])
local base = tonumber(redis.call('HGET', KEYS[1], 'base') or '0')
if trim > base and trim <= seq then
  redis.call('LTRIM', KEYS[2], trim - base, -1)
  redis.call('HSET', KEYS[1], 'base', trim)
end
return { 1, seq }

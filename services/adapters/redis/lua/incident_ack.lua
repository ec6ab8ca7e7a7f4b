-- Drops the incident events published up to a count (idempotent: a repeat, or an ack another process
-- already made, drops nothing more). KEYS[1] meta, KEYS[2] outbox; ARGV[1] events published in all.
local published = tonumber(redis.call('HGET', KEYS[1], 'published') or '0')
local upto = tonumber(ARGV[1])
if upto <= published then return published end
redis.call('LTRIM', KEYS[2], upto - published, -1)
redis.call('HSET', KEYS[1], 'published', upto)
return upto

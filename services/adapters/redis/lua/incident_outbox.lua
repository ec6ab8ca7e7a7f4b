-- The incident events queued and not yet acknowledged as published. KEYS[1] meta, KEYS[2] outbox;
-- ARGV[1] most events. Returns { queued, published, payloads... } (the payloads from `published` on).
local queued = tonumber(redis.call('HGET', KEYS[1], 'queued') or '0')
local published = tonumber(redis.call('HGET', KEYS[1], 'published') or '0')
local out = { queued, published }
local payloads = redis.call('LRANGE', KEYS[2], 0, tonumber(ARGV[1]) - 1)
for _, p in ipairs(payloads) do out[#out + 1] = p end
return out

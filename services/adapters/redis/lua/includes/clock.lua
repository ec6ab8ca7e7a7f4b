-- The Redis server's clock is the one clock that decides what is due.
local redis_time = redis.call('TIME')
local now = tonumber(redis_time[1]) * 1000 + math.floor(tonumber(redis_time[2]) / 1000)
local today = tostring(math.floor(now / 86400000))

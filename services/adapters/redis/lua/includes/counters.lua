-- Counters live per shard and are summed on read. `counters_key` is the shard's totals hash,
-- `daily_key` its daily-bucket hash; a dimension is region|category|priority.
local function bump(counters_key, daily_key, metric, dim, delta, daily)
  redis.call('HINCRBY', counters_key, metric .. '|' .. dim, delta)
  if daily then redis.call('HINCRBY', daily_key, today .. '|' .. metric .. '|' .. dim, delta) end
end

-- Response-time histogram by priority; bounds in minutes (non-cumulative buckets plus a sum).
local RESPONSE_BOUNDS_MIN = { 15, 30, 60, 120, 240, 480, 1440 }
local function record_response(counters_key, priority, elapsed_ms)
  local bucket = 'inf'
  for _, b in ipairs(RESPONSE_BOUNDS_MIN) do
    if elapsed_ms <= b * 60000 then
      bucket = tostring(b)
      break
    end
  end
  redis.call('HINCRBY', counters_key, 'rt|' .. priority .. '|' .. bucket, 1)
  redis.call('HINCRBY', counters_key, 'rt_sum_ms|' .. priority, elapsed_ms)
end

-- Closes an SLA as answered: in time when the reply's event time is not after due_at.
local function count_answer(counters_key, daily_key, dim, priority, posted_at, due_at, answered_at)
  if answered_at <= due_at then
    bump(counters_key, daily_key, 'answered_in_time', dim, 1, true)
  else
    bump(counters_key, daily_key, 'answered_late', dim, 1, true)
  end
  record_response(counters_key, priority, math.max(0, answered_at - posted_at))
end

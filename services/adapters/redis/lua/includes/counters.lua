-- Counters live per shard and are summed on read. `counters_key` is the shard's totals hash,
-- `daily_key` its daily-bucket hash; a dimension is region|category|priority. Increments are summed
-- in `pending` and written by `flush_counters` at the end of the script: one HINCRBY per distinct field
-- however many transitions a batch applies (no transition reads a counter).
-- pending[key][metric][dim] = summed delta: the field strings are built once, at the flush.
local pending, pending_keys = {}, {}
local daily_keys = {}
local function add_pending(key, metric, dim, delta)
  local metrics = pending[key]
  if not metrics then
    metrics = {}
    pending[key] = metrics
    pending_keys[#pending_keys + 1] = key
  end
  local dims = metrics[metric]
  if not dims then
    dims = {}
    metrics[metric] = dims
  end
  dims[dim] = (dims[dim] or 0) + delta
end

local function bump(counters_key, daily_key, metric, dim, delta, daily)
  add_pending(counters_key, metric, dim, delta)
  if daily then
    daily_keys[daily_key] = true
    add_pending(daily_key, metric, dim, delta)
  end
end

-- Small deltas as text: a number passed to redis.call is formatted with printf, once per field.
local DELTA_TEXT = { [1] = '1', [2] = '2', [3] = '3', [4] = '4', [-1] = '-1', [-2] = '-2', [-3] = '-3' }

-- Writes the summed increments; a field whose increments cancel out is not touched.
local function flush_counters()
  for _, key in ipairs(pending_keys) do
    local prefix = daily_keys[key] and (today .. '|') or ''
    for metric, dims in pairs(pending[key]) do
      for dim, delta in pairs(dims) do
        if delta ~= 0 then
          redis.call('HINCRBY', key, prefix .. metric .. '|' .. dim, DELTA_TEXT[delta] or delta)
        end
      end
    end
  end
  pending, pending_keys = {}, {}
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
  add_pending(counters_key, 'rt', priority .. '|' .. bucket, 1)
  add_pending(counters_key, 'rt_sum_ms', priority, elapsed_ms)
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

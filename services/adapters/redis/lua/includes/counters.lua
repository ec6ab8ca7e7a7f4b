-- Counters live per shard and are summed on read (layout: services/adapters/redis/counter-positions.ts
-- and lua/_README.md "Counters"). A dimension is region|category|priority. A dimension with a fixed
-- position (region '01'..'89', a category and a priority of the tables below) is counted in the shard's
-- totals string `<counters_key>:b` (signed 64-bit at metric * 4096 + position) and the day's string
-- `<daily_key>:<epoch day>` (signed 32-bit at daily metric * 4096 + position); any other in the hash
-- fields `<metric>|<dim>` of `counters_key` and `<day>|<metric>|<dim>` of `daily_key`. Increments are
-- summed in Lua tables and written by `flush_counters` at the end of the script: one BITFIELD per
-- string (one INCRBY sub-operation per distinct position) and one HINCRBY per distinct hash field,
-- however many transitions a batch applies (no transition reads a counter).
local DIM_SLOTS = 4096
-- The suffix of today's daily string (made once per call, not per increment).
local TODAY_SUFFIX = ':' .. today
-- Metric order of core/sla/counters.ts COUNTER_METRICS; daily metrics: the same without the gauges.
local METRIC_INDEX = { opened = 0, open = 1, overdue = 2, warned = 3, breached = 4, escalated = 5,
  answered_in_time = 6, answered_late = 7, cancelled = 8, not_actionable = 9 }
local DAILY_INDEX = { opened = 0, warned = 1, breached = 2, escalated = 3, answered_in_time = 4,
  answered_late = 5, cancelled = 6, not_actionable = 7 }
-- Schema order (CATEGORY_SYMBOLS, PRIORITY_SYMBOLS).
local CATEGORY_INDEX = { housing_utilities = 0, urban_improvement = 1, roads_transport = 2, healthcare = 3,
  education = 4, social_protection = 5, ecology = 6, safety_emergency = 7, economy_labor = 8,
  culture_sport = 9, other = 10 }
local PRIORITY_INDEX = { critical = 0, high = 1, normal = 2, low = 3 }
-- Response-time histogram: after the metrics, 9 positions per priority (the buckets, then the sum).
local RT_BASE = 10 * DIM_SLOTS
local RT_SLOTS = 9

-- The position of a dimension, or false when it has none (memoised for the call).
local dim_positions = {}
local function dim_position(dim)
  local pos = dim_positions[dim]
  if pos == nil then
    pos = false
    local r, c, p = string.match(dim, '^(%d%d)|([^|]*)|([^|]*)$')
    local region = tonumber(r)
    if region and region >= 1 and region <= 89 and CATEGORY_INDEX[c] and PRIORITY_INDEX[p] then
      pos = (region - 1) * 44 + CATEGORY_INDEX[c] * 4 + PRIORITY_INDEX[p]
    end
    dim_positions[dim] = pos
  end
  return pos
end

-- pending_bits[key] = { kind = 'i64' | 'i32', args = the BITFIELD arguments so far }: an increment is
-- appended as it comes (positions rarely repeat within a call, and BITFIELD applies a repeated one in
-- order, so summing first would cost more than it saves); pending[key][metric][dim] = summed delta of
-- the hash fields (built once, at the flush).
local pending_bits, pending_bits_keys = {}, {}
local pending, pending_keys = {}, {}
local daily_keys = {}

-- Small deltas as text: a number passed to redis.call is formatted with printf, once per field.
local DELTA_TEXT = { [1] = '1', [2] = '2', [3] = '3', [4] = '4', [-1] = '-1', [-2] = '-2', [-3] = '-3' }

-- The BITFIELD offset texts made in this call: an open counts `opened` at the same offset in the totals
-- and in the day's string (both metric 0), so the second one is not formatted again.
local offset_texts = {}
local format = string.format

local function add_bits(key, kind, pos, delta)
  local b = pending_bits[key]
  if not b then
    b = { kind = kind, args = {}, n = 0 }
    pending_bits[key] = b
    pending_bits_keys[#pending_bits_keys + 1] = key
  end
  local offset = offset_texts[pos]
  if not offset then
    offset = format('#%d', pos)
    offset_texts[pos] = offset
  end
  local args, n = b.args, b.n
  args[n + 1] = 'INCRBY'
  args[n + 2] = kind
  args[n + 3] = offset
  args[n + 4] = DELTA_TEXT[delta] or format('%d', delta)
  b.n = n + 4
end

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

-- The strings' key names, made once per call.
local bits_keys = {}
local function bits_key(key, suffix)
  local name = bits_keys[key]
  if not name then
    name = key .. suffix
    bits_keys[key] = name
  end
  return name
end

-- bump with the dimension's position already known (`pos`: dim_position(dim), which the client sends
-- with an open so that no transition of the hot path matches the dimension's text).
local function bump_at(counters_key, daily_key, metric, pos, dim, delta, daily)
  -- A metric of another target (final_*, next_*: issue #16) has no position: hash fields.
  local index = pos and METRIC_INDEX[metric]
  if index then
    add_bits(bits_key(counters_key, ':b'), 'i64', index * DIM_SLOTS + pos, delta)
    if daily then
      add_bits(bits_key(daily_key, TODAY_SUFFIX), 'i32', DAILY_INDEX[metric] * DIM_SLOTS + pos, delta)
    end
    return
  end
  add_pending(counters_key, metric, dim, delta)
  if daily then
    daily_keys[daily_key] = true
    add_pending(daily_key, metric, dim, delta)
  end
end

local function bump(counters_key, daily_key, metric, dim, delta, daily)
  bump_at(counters_key, daily_key, metric, dim_position(dim), dim, delta, daily)
end

-- Sub-operations per BITFIELD call (4 arguments each), so that unpack stays within Lua's stack.
local BITFIELD_OPS = 1000

-- Writes the increments: one BITFIELD per string (per BITFIELD_OPS increments), one HINCRBY per
-- distinct hash field whose summed delta is not 0.
local function flush_counters()
  for _, key in ipairs(pending_bits_keys) do
    local args = pending_bits[key].args
    local per_call = BITFIELD_OPS * 4
    for from = 1, #args, per_call do
      redis.call('BITFIELD', key, unpack(args, from, math.min(#args, from + per_call - 1)))
    end
  end
  pending_bits, pending_bits_keys = {}, {}
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
  local index = #RESPONSE_BOUNDS_MIN + 1
  for i, b in ipairs(RESPONSE_BOUNDS_MIN) do
    if elapsed_ms <= b * 60000 then
      index = i
      break
    end
  end
  local p = PRIORITY_INDEX[priority]
  if p then
    local base = RT_BASE + p * RT_SLOTS
    add_bits(bits_key(counters_key, ':b'), 'i64', base + index - 1, 1)
    add_bits(bits_key(counters_key, ':b'), 'i64', base + RT_SLOTS - 1, elapsed_ms)
    return
  end
  add_pending(counters_key, 'rt', priority .. '|' .. (RESPONSE_BOUNDS_MIN[index] and tostring(RESPONSE_BOUNDS_MIN[index]) or 'inf'), 1)
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

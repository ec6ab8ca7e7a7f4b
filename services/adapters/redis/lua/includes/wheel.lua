-- A timing wheel: one sorted set per minute (`<index>:<slot in base 36>`, member -> exact score), so each
-- stays small and listpack-encoded (zset-max-listpack-entries 128), and an index sorted set of the slots
-- that hold members (slot id -> slot start). Needs to36 from the record include.
local WHEEL_SLOT_MS = 60000

local function wheel_slot(score) return to36(math.floor(score / WHEEL_SLOT_MS)) end

local function wheel_add(index, member, score)
  local slot = math.floor(score / WHEEL_SLOT_MS)
  local id = to36(slot)
  redis.call('ZADD', index .. ':' .. id, score, member)
  redis.call('ZADD', index, slot * WHEEL_SLOT_MS, id)
end

local function wheel_rem(index, member, score)
  local id = wheel_slot(score)
  local key = index .. ':' .. id
  if redis.call('ZREM', key, member) == 1 and redis.call('EXISTS', key) == 0 then
    redis.call('ZREM', index, id)
  end
end

-- Visits members with score <= max in score order, slot by slot, until visit returns false or `cap`
-- members were visited. Read-only: `visit(member, score)`.
local function wheel_scan(index, max_score, cap, visit)
  local seen, offset = 0, 0
  while seen < cap do
    local ids = redis.call('ZRANGEBYSCORE', index, '-inf', max_score, 'LIMIT', offset, 16)
    if #ids == 0 then return seen end
    for _, id in ipairs(ids) do
      local flat = redis.call('ZRANGEBYSCORE', index .. ':' .. id, '-inf', max_score, 'WITHSCORES', 'LIMIT',
        0, cap - seen)
      for i = 1, #flat, 2 do
        seen = seen + 1
        if visit(flat[i], tonumber(flat[i + 1])) == false then return seen end
      end
      if seen >= cap then return seen end
    end
    offset = offset + #ids
  end
  return seen
end

-- Score of the wheel's earliest member, or nil when it is empty (drops index entries of emptied slots).
local function wheel_first(index)
  while true do
    local ids = redis.call('ZRANGE', index, 0, 0)
    if #ids == 0 then return nil end
    local first = redis.call('ZRANGE', index .. ':' .. ids[1], 0, 0, 'WITHSCORES')
    if first[2] then return tonumber(first[2]) end
    redis.call('ZREM', index, ids[1])
  end
end

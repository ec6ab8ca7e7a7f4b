-- A timing wheel: the members of one minute of score live in small sorted sets (`<index>:<minute in
-- base 36>`, then `<minute>.1`, `<minute>.2`, ... once one holds WHEEL_SLOT_MAX), so each stays
-- listpack-encoded (zset-max-listpack-entries 128); the index sorted set maps slot id -> minute start.
-- Needs to36 from the record include.
local WHEEL_SLOT_MS = 60000
local WHEEL_SLOT_MAX = 120

local function wheel_minute_start(score) return math.floor(score / WHEEL_SLOT_MS) * WHEEL_SLOT_MS end
-- A minute start as Redis reads it: '%d' formats an integer far cheaper than the '%.17g' that
-- redis.call applies to a Lua number.
local function int_text(n) return string.format('%d', n) end

-- What this call learned of a minute's slots (index -> start -> { ids = slot ids, cards = id -> size }),
-- so a batch that schedules many comments in the same minute looks its slots up once. Any removal from
-- the minute forgets it (a slot may have emptied and left the index).
local wheel_minutes = {}

-- `maybe_present`: the member may already be in this minute (a BREACH claimed again after its lease
-- expired); then only its score is updated. `score_s`: the score as a string when the caller has it (a
-- number passed to redis.call is formatted with printf). Returns true when the member was added, false
-- when it was there already (the late wheel's `overdue` gauge counts additions).
local function wheel_add(index, member, score, maybe_present, score_s)
  local start = wheel_minute_start(score)
  if maybe_present then
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', index, start, start)) do
      if redis.call('ZSCORE', index .. ':' .. id, member) then
        redis.call('ZADD', index .. ':' .. id, score, member)
        return false
      end
    end
  end
  local minutes = wheel_minutes[index]
  if not minutes then
    minutes = {}
    wheel_minutes[index] = minutes
  end
  local minute = minutes[start]
  if not minute then
    local start_s = int_text(start)
    minute = { ids = redis.call('ZRANGEBYSCORE', index, start_s, start_s), cards = {}, start_s = start_s }
    minutes[start] = minute
  end
  local ids, cards = minute.ids, minute.cards
  -- The newest slots are the likeliest to have room: look from the end.
  for i = #ids, 1, -1 do
    local id = ids[i]
    local card = cards[id] or redis.call('ZCARD', index .. ':' .. id)
    cards[id] = card
    if card < WHEEL_SLOT_MAX then
      local added = redis.call('ZADD', index .. ':' .. id, score_s or score, member)
      cards[id] = card + added
      return added == 1
    end
  end
  local base = to36(start / WHEEL_SLOT_MS)
  local taken = {}
  for _, id in ipairs(ids) do taken[id] = true end
  local id, n = base, 0
  while taken[id] do
    n = n + 1
    id = base .. '.' .. to36(n)
  end
  redis.call('ZADD', index .. ':' .. id, score_s or score, member)
  redis.call('ZADD', index, minute.start_s, id)
  ids[#ids + 1] = id
  cards[id] = 1
  return true
end

-- Returns true when the member was there (and is removed), false when it was not.
local function wheel_rem(index, member, score)
  local start = wheel_minute_start(score)
  if wheel_minutes[index] then wheel_minutes[index][start] = nil end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', index, start, start)) do
    local key = index .. ':' .. id
    if redis.call('ZREM', key, member) == 1 then
      if redis.call('EXISTS', key) == 0 then redis.call('ZREM', index, id) end
      return true
    end
  end
  return false
end

-- Takes up to `limit` members with score <= max out of the wheel (slots in minute order) and returns
-- them; emptied slots leave the index.
local function wheel_take(index, max_score, limit)
  local taken, offset = {}, 0
  while #taken < limit do
    local ids = redis.call('ZRANGEBYSCORE', index, '-inf', max_score, 'LIMIT', offset, 8)
    if #ids == 0 then break end
    for _, id in ipairs(ids) do
      if #taken >= limit then break end
      local key = index .. ':' .. id
      local members = redis.call('ZRANGEBYSCORE', key, '-inf', max_score, 'LIMIT', 0, limit - #taken)
      if #members > 0 then redis.call('ZREM', key, unpack(members)) end
      for _, member in ipairs(members) do taken[#taken + 1] = member end
      if redis.call('EXISTS', key) == 0 then
        redis.call('ZREM', index, id)
      else
        offset = offset + 1
      end
    end
  end
  return taken
end

-- Visits members with score <= max, minute by minute (in score order within a slot), until `cap`
-- members were visited; the minute in progress is always finished. Read-only: `visit(member, score)`.
-- Returns how many were visited.
local function wheel_scan(index, max_score, cap, visit)
  local seen, offset, minute = 0, 0, nil
  while true do
    local page = redis.call('ZRANGEBYSCORE', index, '-inf', max_score, 'WITHSCORES', 'LIMIT', offset, 16)
    if #page == 0 then return seen end
    for i = 1, #page, 2 do
      if page[i + 1] ~= minute then
        if seen >= cap then return seen end
        minute = page[i + 1]
      end
      local flat = redis.call('ZRANGEBYSCORE', index .. ':' .. page[i], '-inf', max_score, 'WITHSCORES')
      for j = 1, #flat, 2 do
        seen = seen + 1
        visit(flat[j], tonumber(flat[j + 1]))
      end
    end
    offset = offset + #page / 2
  end
end

-- Score of the wheel's earliest member, or nil when it is empty (drops index entries of emptied slots).
local function wheel_first(index)
  while true do
    local first = redis.call('ZRANGE', index, 0, 0, 'WITHSCORES')
    if not first[2] then return nil end
    local best = nil
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', index, first[2], first[2])) do
      local head = redis.call('ZRANGE', index .. ':' .. id, 0, 0, 'WITHSCORES')
      if head[2] then
        local score = tonumber(head[2])
        if not best or score < best then best = score end
      else
        redis.call('ZREM', index, id)
      end
    end
    if best then return best end
  end
end

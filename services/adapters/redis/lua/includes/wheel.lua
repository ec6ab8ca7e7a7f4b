-- A timing wheel of counted slots (layout v2). A wheel is named by its base key W (`<tag>:d` due,
-- `<tag>:l` late) and is cut into windows: a minute, or for a due-wheel add at least WHEEL_FAR_MS ahead
-- of now an hour (a coarse window: an open far ahead shares its window with many others of the same
-- call, so its add costs a fraction of a Redis call). A wheel holds:
--   W .. 'x'                      index zset: window id -> the time its window moves into `soon`
--                                 (start - WHEEL_LOOKAHEAD_MS for a minute, - WHEEL_HOUR_LOOKAHEAD_MS for
--                                 an hour), one entry per window in use
--   W .. 'n'                      hash: window id -> adds counted in that window (never goes down)
--   W .. ':' .. id .. '.' .. n    slot zsets: member -> exact score, at most WHEEL_SLOT_MAX members each
-- where id is the minute number (score / 60,000), 't' and the ten-minute number, 'h' and the hour
-- number, or 'q' and the four-hour number (by how far ahead the add is), and n the slot number,
-- decimal. The k-th add to a window (k from 0) goes to slot floor(k / WHEEL_SLOT_MAX), so an add never
-- looks a slot up, every slot stays a listpack (zset-max-listpack-entries 128), and the slot goes into
-- the record's head (an hour window's slot n as -(n + 1)): a close removes the member with one ZREM on
-- its slot. A slot emptied by removals disappears by itself.
-- Adds of one script call are gathered per slot and per window and written by `flush_wheels` (one
-- ZADD per slot touched, then one HSET of the windows' new counts and one ZADD of the windows new to
-- the index per wheel): a window's count is read with one HMGET per wheel for the windows the caller
-- announces in advance (`wheel_reserve`), else with one HGET at its first add; removals see them.
-- The due wheel's windows move, whole and in time order, into the exact `soon` zset (`wheel_move`,
-- claim_due.lua) when their time in the index comes.
-- WHEEL_FAR_MS: an add at least 70 minutes ahead goes to an hour window, whose move time (10 minutes
-- before its start) is then still ahead. WHEEL_SLOT_MAX: 32 members per slot; a ZADD into a listpack
-- zset scans it up to the new member's place, so a short slot is a cheap add (120 cost ~15 % more CPU per
-- open under real-time arrivals). It may be lowered on a live keyspace (readers visit slots up to
-- count / WHEEL_SLOT_MAX, a superset), never raised.
local WHEEL_SLOT_MS = 60000
local WHEEL_HOUR_MS = 3600000
local WHEEL_FAR_MS = 4200000
local WHEEL_LOOKAHEAD_MS = 60000
local WHEEL_HOUR_LOOKAHEAD_MS = 600000
local WHEEL_SLOT_MAX = 32
-- Four-hour windows ('q' ids) for an add at least WHEEL_BLOCK_FAR_MS (4 h 10 min) ahead, so that its
-- window's move time is still ahead too, and ten-minute windows ('t' ids) from 12 minutes to 70: under
-- arrivals spread over a day, a call of 200 opens touches ~13 windows instead of ~50 (minutes and hours
-- alone), which cost ~8 % (the four-hour ones) and ~7 % (the ten-minute ones) of an open's Redis CPU
-- (A/B on one server). The price: such a window moves into `soon` (a skiplist, ~80 B more per member)
-- whole, up to 4 h 10 min (12 min) before its members fall due (docs/sla-engine.md, "Memory per open
-- item").
local WHEEL_BLOCK_MS = 14400000
local WHEEL_BLOCK_FAR_MS = 15000000
-- Within a call, an hour window is numbered -1 - hour, a four-hour one BLOCK_KEY_BASE - block.
local BLOCK_KEY_BASE = -1e12
local WHEEL_TEN_MS = 600000
local WHEEL_TEN_FAR_MS = 720000
local WHEEL_TEN_LOOKAHEAD_MS = 120000
local TEN_KEY_BASE = -2e12

-- The library functions of the add path, as locals (a global is a table lookup at every use).
local floor, format = math.floor, string.format

-- A number as Redis reads it: '%d' formats an integer far cheaper than the '%.17g' that redis.call
-- applies to a Lua number.
local function int_text(n) return format('%d', n) end

-- What this call knows of a wheel's windows: wheel_windows[W][window number] = { id, hour, move_s, base = adds counted
-- in Redis before this call, added = adds of this call, n / key / code_s = the slot the next add takes
-- (wheel_next) }; wheel_slots[slot key] = { list = {score, member, ...}, n = its length, at = member ->
-- position in list (false once removed again), made at the slot's first removal (slot_positions) }.
local wheel_windows, wheel_order, wheel_slots, wheel_slot_order = {}, {}, {}, {}

-- The window of an add at `score`: a number naming it within the call (a minute number, or -1 - the
-- hour number for an hour window: strings are made once per window, not per add). `now` (nil for the
-- late wheel and the migration) allows an hour window for a score far enough ahead.
local function wheel_window_key(score, now)
  if now then
    local ahead = score - now
    if ahead >= WHEEL_BLOCK_FAR_MS then return BLOCK_KEY_BASE - floor(score / WHEEL_BLOCK_MS) end
    if ahead >= WHEEL_FAR_MS then return -1 - floor(score / WHEEL_HOUR_MS) end
    if ahead >= WHEEL_TEN_FAR_MS then return TEN_KEY_BASE - floor(score / WHEEL_TEN_MS) end
  end
  return floor(score / WHEEL_SLOT_MS)
end

local function wheel_state(W, score, now)
  local windows = wheel_windows[W]
  if not windows then
    windows = {}
    wheel_windows[W] = windows
  end
  local key = wheel_window_key(score, now)
  local m = windows[key]
  if not m then
    local id, move, tier
    if key <= TEN_KEY_BASE then
      local ten = TEN_KEY_BASE - key
      id, move, tier = 't' .. int_text(ten), ten * WHEEL_TEN_MS - WHEEL_TEN_LOOKAHEAD_MS, 't'
    elseif key <= BLOCK_KEY_BASE then
      local block = BLOCK_KEY_BASE - key
      id, move, tier = 'q' .. int_text(block), block * WHEEL_BLOCK_MS - WHEEL_HOUR_LOOKAHEAD_MS, 'q'
    elseif key < 0 then
      id, move, tier = 'h' .. int_text(-1 - key), (-1 - key) * WHEEL_HOUR_MS - WHEEL_HOUR_LOOKAHEAD_MS, 'h'
    else
      id, move = int_text(key), key * WHEEL_SLOT_MS - WHEEL_LOOKAHEAD_MS
    end
    m = { id = id, tier = tier, move_s = int_text(move), added = 0, W = W }
    windows[key] = m
    wheel_order[#wheel_order + 1] = m
  end
  return m
end

local function wheel_window(W, score, now)
  local m = wheel_state(W, score, now)
  if not m.base then m.base = tonumber(redis.call('HGET', W .. 'n', m.id)) or 0 end
  return m
end

-- Announces an add at `score` that this call will (most likely) make; `wheel_count_reserved` then reads
-- the counts of all announced windows with one HMGET per wheel instead of one HGET per window. Returns
-- the window, which the add may pass to `wheel_next` instead of looking it up again.
local function wheel_reserve(W, score, now)
  return wheel_state(W, score, now)
end

local function wheel_count_reserved()
  local by_wheel, wheels = {}, {}
  for _, m in ipairs(wheel_order) do
    if not m.base then
      local list = by_wheel[m.W]
      if not list then
        list = {}
        by_wheel[m.W] = list
        wheels[#wheels + 1] = m.W
      end
      list[#list + 1] = m
    end
  end
  for _, W in ipairs(wheels) do
    local list, ids = by_wheel[W], {}
    for i, m in ipairs(list) do ids[i] = m.id end
    local counts = redis.call('HMGET', W .. 'n', unpack(ids))
    for i, m in ipairs(list) do m.base = tonumber(counts[i]) or 0 end
  end
end

local function slot_key(W, id, n) return W .. ':' .. id .. '.' .. int_text(n) end

-- The slot number as the record keeps it: a minute window's slot n as n, an hour window's as -(n + 1),
-- a four-hour window's as the text 'q' .. n.
local function slot_code(m, n)
  if m.tier == 'h' then return -n - 1 end
  if m.tier == 'q' or m.tier == 't' then return m.tier .. int_text(n) end
  return n
end

-- The window of an add at `score` and the slot its next add takes (`m.n`, its key `m.key`), with that
-- slot as the record keeps it, in text: an open writes it into the record, then adds with
-- `wheel_add_next` (the slot's key and text are made once per slot, not per add). `m`: that window when
-- the caller has it already (wheel_reserve's, counted by wheel_count_reserved), or nil.
local function wheel_next(W, score, now, m)
  if not (m and m.base) then m = wheel_window(W, score, now) end
  local n = floor((m.base + m.added) / WHEEL_SLOT_MAX)
  if m.n ~= n then
    local code = slot_code(m, n)
    m.n, m.key, m.code_s = n, slot_key(W, m.id, n), type(code) == 'string' and code or int_text(code)
  end
  return m, m.code_s
end

-- Adds `member` (`score_s`: its score as text) to the slot `wheel_next` gave for window `m`, with no
-- other add to `m` in between.
local function wheel_add_next(m, member, score_s)
  m.added = m.added + 1
  local key = m.key
  local slot = wheel_slots[key]
  if not slot then
    slot = { list = {}, n = 0 }
    wheel_slots[key] = slot
    wheel_slot_order[#wheel_slot_order + 1] = key
  end
  local list = slot.list
  local at = slot.n + 2
  slot.n = at
  list[at - 1] = score_s
  list[at] = member
  if slot.at then slot.at[member] = at end
end

-- The slot's member -> position map, made at its first removal in the call (most slots never see one:
-- an add then costs no hash insert): a member added twice keeps its last position.
local function slot_positions(slot)
  local at = slot.at
  if not at then
    at = {}
    local list = slot.list
    for i = 2, slot.n, 2 do at[list[i]] = i end
    slot.at = at
  end
  return at
end

-- Adds `member` at `score` (`score_s`: the score as text when the caller has it); returns its slot as
-- the record keeps it.
local function wheel_add(W, member, score, score_s, now)
  local m = wheel_next(W, score, now)
  wheel_add_next(m, member, score_s or int_text(score))
  return slot_code(m, m.n)
end

-- Writes this call's adds: one ZADD per slot, then per wheel one HSET of the windows' counts and one
-- ZADD of the windows new to the index.
local function flush_wheels()
  for _, key in ipairs(wheel_slot_order) do
    local slot = wheel_slots[key]
    local list, at = slot.list, slot.at
    if not at then
      -- No removal: every add is written (a member added twice takes its last score, as ZADD applies
      -- its pairs in order).
      redis.call('ZADD', key, unpack(list, 1, slot.n))
    else
      local args = {}
      for i = 2, slot.n, 2 do
        if at[list[i]] == i then
          args[#args + 1] = list[i - 1]
          args[#args + 1] = list[i]
        end
      end
      if #args > 0 then redis.call('ZADD', key, unpack(args)) end
    end
  end
  -- The windows' new counts, one HSET per wheel, and the windows new to the index, one ZADD per wheel:
  -- every count was read in this call (nothing else runs during a script), so base + added is exact.
  local counts, indexed, wheels = {}, {}, {}
  for _, m in ipairs(wheel_order) do
    if m.added > 0 then
      local c = counts[m.W]
      if not c then
        c = {}
        counts[m.W], indexed[m.W] = c, {}
        wheels[#wheels + 1] = m.W
      end
      c[#c + 1] = m.id
      c[#c + 1] = int_text(m.base + m.added)
      if m.base == 0 then
        local x = indexed[m.W]
        x[#x + 1] = m.move_s
        x[#x + 1] = m.id
      end
    end
  end
  for _, W in ipairs(wheels) do
    redis.call('HSET', W .. 'n', unpack(counts[W]))
    if #indexed[W] > 0 then redis.call('ZADD', W .. 'x', unpack(indexed[W])) end
  end
  wheel_windows, wheel_order, wheel_slots, wheel_slot_order = {}, {}, {}, {}
end

-- The window id and slot number of a slot as the record keeps it.
local function slot_of_code(score, code)
  if type(code) == 'string' then
    local tier = string.sub(code, 1, 1)
    return tier .. int_text(math.floor(score / (tier == 't' and WHEEL_TEN_MS or WHEEL_BLOCK_MS))),
      tonumber(string.sub(code, 2))
  end
  if code < 0 then return 'h' .. int_text(math.floor(score / WHEEL_HOUR_MS)), -code - 1 end
  return int_text(math.floor(score / WHEEL_SLOT_MS)), code
end

-- Forgets a window whose slots are all gone (the late wheel, whose windows are never moved away).
-- `key`: the window's number within the call (wheel_window_key).
local function wheel_drop_if_empty(W, id, key)
  local cached = wheel_windows[W] and wheel_windows[W][key]
  if cached and cached.added > 0 then return end
  local count = tonumber(redis.call('HGET', W .. 'n', id)) or 0
  for n = 0, math.floor((count - 1) / WHEEL_SLOT_MAX) do
    if redis.call('EXISTS', slot_key(W, id, n)) == 1 then return end
  end
  redis.call('HDEL', W .. 'n', id)
  redis.call('ZREM', W .. 'x', id)
  if cached then wheel_windows[W][key] = nil end
end

-- Removes `member` (at `score`, in the slot the record keeps as `code`); `soon`: the zset the wheel's
-- coming windows moved into. With `drop_empty`, a window left without members leaves the index.
-- Returns true when it was there.
local function wheel_rem(W, member, score, code, soon, drop_empty)
  local id, n = slot_of_code(score, code)
  local key = slot_key(W, id, n)
  local slot = wheel_slots[key]
  if slot then
    local at = slot_positions(slot)
    if at[member] then
      at[member] = false
      return true
    end
  end
  if redis.call('ZREM', key, member) == 1 then
    if drop_empty and redis.call('EXISTS', key) == 0 then
      local key
      if type(code) == 'string' then
        key = string.sub(code, 1, 1) == 't' and TEN_KEY_BASE - math.floor(score / WHEEL_TEN_MS)
          or BLOCK_KEY_BASE - math.floor(score / WHEEL_BLOCK_MS)
      else
        key = code < 0 and -1 - math.floor(score / WHEEL_HOUR_MS) or math.floor(score / WHEEL_SLOT_MS)
      end
      wheel_drop_if_empty(W, id, key)
    end
    return true
  end
  if soon then return redis.call('ZREM', soon, member) == 1 end
  return false
end

-- Moves whole windows whose move time is at or before `now` from the due wheel W into `soon` (member ->
-- exact time), in move-time order, until about `budget` members moved (a window counts one more, so
-- empty ones are bounded too). Returns `pending` (true when windows due to move are left for the next
-- call) and the move time of the first window not moved, or nil when none is left. No member of a
-- window not moved scores below that time.
local function wheel_move(W, soon, now, budget)
  while true do
    local first = redis.call('ZRANGE', W .. 'x', 0, 0, 'WITHSCORES')
    if not first[2] then return false, nil end
    local move = tonumber(first[2])
    if move > now then return false, move end
    if budget <= 0 then return true, move end
    local id = first[1]
    local count = tonumber(redis.call('HGET', W .. 'n', id)) or 0
    budget = budget - 1
    local last = math.floor((count - 1) / WHEEL_SLOT_MAX)
    for n = 0, last do
      local key = slot_key(W, id, n)
      local flat = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
      if #flat > 0 then
        local args = {}
        for i = 1, #flat, 2 do
          args[i] = flat[i + 1]
          args[i + 1] = flat[i]
        end
        redis.call('ZADD', soon, unpack(args))
        redis.call('DEL', key)
        budget = budget - #flat / 2
      end
      -- A window cut short keeps its index entry: its remaining slots move next time.
      if budget <= 0 and n < last then return true, move end
    end
    redis.call('HDEL', W .. 'n', id)
    redis.call('ZREM', W .. 'x', id)
  end
end

-- Visits members with score <= max: first `soon` (when given, in score order), then window by window
-- in move-time order (slots in add order, members in score order within a slot) until `cap` members
-- were visited; the window in progress is always finished. Read-only: `visit(member, score)`. Returns
-- how many were visited.
local function wheel_scan(W, max_score, cap, visit, soon)
  local seen = 0
  if soon then
    local flat = redis.call('ZRANGEBYSCORE', soon, '-inf', max_score, 'WITHSCORES', 'LIMIT', 0, cap)
    for j = 1, #flat, 2 do
      seen = seen + 1
      visit(flat[j], tonumber(flat[j + 1]))
    end
  end
  local offset = 0
  while true do
    local page = redis.call('ZRANGEBYSCORE', W .. 'x', '-inf', max_score, 'LIMIT', offset, 16)
    if #page == 0 then return seen end
    for _, id in ipairs(page) do
      if seen >= cap then return seen end
      local count = tonumber(redis.call('HGET', W .. 'n', id)) or 0
      for n = 0, math.floor((count - 1) / WHEEL_SLOT_MAX) do
        local flat = redis.call('ZRANGEBYSCORE', slot_key(W, id, n), '-inf', max_score, 'WITHSCORES')
        for j = 1, #flat, 2 do
          seen = seen + 1
          visit(flat[j], tonumber(flat[j + 1]))
        end
      end
    end
    offset = offset + #page
  end
end

-- Whether a window of W whose move time has passed but that has not moved into `soon` yet holds a
-- member due at or before `now` (the head of each of its slots), looking at no more than `max_windows`
-- such windows (true past that: the sweepers are far behind). A window's move time comes its lookahead
-- before its first member's time, so a window not moved yet usually holds nothing due yet.
local function wheel_unmoved_due(W, now, max_windows)
  local ids = redis.call('ZRANGEBYSCORE', W .. 'x', '-inf', now, 'LIMIT', 0, max_windows + 1)
  if #ids > max_windows then return true end
  for _, id in ipairs(ids) do
    local count = tonumber(redis.call('HGET', W .. 'n', id)) or 0
    for n = 0, math.floor((count - 1) / WHEEL_SLOT_MAX) do
      local head = redis.call('ZRANGE', slot_key(W, id, n), 0, 0, 'WITHSCORES')
      if head[2] and tonumber(head[2]) <= now then return true end
    end
  end
  return false
end

-- Members in the wheel (ZCARD per slot; no record read).
local function wheel_size(W)
  local total = 0
  for _, id in ipairs(redis.call('ZRANGE', W .. 'x', 0, -1)) do
    local count = tonumber(redis.call('HGET', W .. 'n', id)) or 0
    for n = 0, math.floor((count - 1) / WHEEL_SLOT_MAX) do
      total = total + redis.call('ZCARD', slot_key(W, id, n))
    end
  end
  return total
end

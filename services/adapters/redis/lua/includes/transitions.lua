-- The comment transitions of the SLA state machine, one function each; apply_batch.lua runs them one
-- after another. Each is idempotent: applied twice, the second time changes nothing and says
-- 'DUPLICATE'. A marker `p` (operator actions kept for a comment not seen yet, apply_appeal.lua) counts
-- as no marker, and an open that finds it says OPENED_PENDING. Every function gets the comment's record bucket and finished-marker keys (derived by
-- the caller inside the shard's hash tag) and the shard's keys `k`: due, late (wheel base keys), soon, lease, cnt, daily.
-- Needs clock, counters, record and wheel. A comment with an open record has no finished marker.

-- Finished markers, read for a whole batch with one MGET (prefetch_markers) and kept here as the
-- transitions write them: nothing else runs while a script does and no key expires during one, so the
-- table stays what Redis holds. false: no marker.
local markers = {}
local MGET_KEYS = 1000
local function prefetch_markers(keys)
  for from = 1, #keys, MGET_KEYS do
    local to = math.min(#keys, from + MGET_KEYS - 1)
    local values = redis.call('MGET', unpack(keys, from, to))
    for i = from, to do markers[keys[i]] = values[i - from + 1] end
  end
end
local function marker_get(key)
  local value = markers[key]
  if value == nil then
    value = redis.call('GET', key)
    markers[key] = value
  end
  return value
end
-- `retention` is the ms string as passed in (a number would be formatted with printf on every call).
local function marker_set(key, value, retention)
  redis.call('SET', key, value, 'PX', retention)
  markers[key] = value
end
local function marker_replace(key, value)
  redis.call('SET', key, value, 'KEEPTTL')
  markers[key] = value
end
local function priority_of(dim) return string.match(dim, '[^|]*$') end

-- open: a citizen's actionable comment arrives; open its first-reply SLA unless already known.
--   OPENED (new SLA), ANSWERED_BEFORE (a reply came first; counted in time or late), DELETED_BEFORE
--   (a delete came first; counted as cancelled), DUPLICATE (replay, redelivery, edit).
-- dim: region|category|priority, pos: its counter position (dim_position; false: none); warn_at, due_at: numbers, with the strings they came as (a wheel
-- score is passed on as sent); warn36, due36: warn_at and due_at - posted_at in base 36 (the record's
-- next-alert field for either first alert); body: the record from posted_at on
-- (services/adapters/redis/record/record.ts), whose first field posted_at is read only when a reply came first.
-- window: the due-wheel window apply_batch reserved for next_at (wheel_reserve), or nil.
local function open_sla(k, bucket, finished_key, member, dim, pos, warn_at, warn_at_s, due_at, due_at_s,
    warn36, due36, body, retention, window)
  local finished = marker_get(finished_key)
  local early = finished and string.sub(finished, 1, 1)
  if finished and early ~= 'e' and early ~= 'd' and early ~= 'p' then return 'DUPLICATE' end
  if early == 'd' then
    marker_set(finished_key, 'c', retention)
    bump_at(k.cnt, k.daily, 'cancelled', pos, dim, 1, true)
    return 'DELETED_BEFORE'
  end
  if early == 'e' then
    local answered_at = from36(string.sub(finished, 2))
    marker_set(finished_key, 'a', retention)
    bump_at(k.cnt, k.daily, 'opened', pos, dim, 1, true)
    -- A positioned `open` is derived on read (opened + the open slot): counted but never open, it
    -- takes itself back out.
    if pos then bump_at(k.cnt, k.daily, 'open', pos, dim, -1, false) end
    local posted_at = from36(string.sub(body, 1, string.find(body, SEP, 1, true) - 1))
    count_answer(k.cnt, k.daily, dim, priority_of(dim), posted_at, due_at, answered_at)
    return 'ANSWERED_BEFORE'
  end
  -- No marker: the comment is new unless its record exists (HSETNX says which). The record's head names
  -- the due-wheel slot the add below takes. A comment that arrives already overdue gets its BREACH at
  -- once; a stale WARNING is skipped.
  local kind, next36, next_at, next_at_s
  if now < due_at and warn_at < due_at then
    kind, next36, next_at, next_at_s = 'W0', warn36, warn_at, warn_at_s
  else
    kind, next36, next_at, next_at_s = 'B0', due36, due_at, due_at_s
  end
  local slot_s
  window, slot_s = wheel_next(k.due, next_at, now, window)
  local record = kind .. SEP .. next36 .. SEP .. slot_s .. SEP .. SEP .. body
  if not record_put(bucket, member, record, true) then return 'DUPLICATE' end
  wheel_add_next(window, member, next_at_s)
  bump_at(k.cnt, k.daily, 'opened', pos, dim, 1, true)
  -- With a position, `open` is opened + the open slot (derived on read, layout v3): an open writes one
  -- counter fewer; a close still takes one off the open slot.
  if not pos then bump_at(k.cnt, k.daily, 'open', pos, dim, 1, false) end
  if early == 'p' then
    -- Operator actions came before the comment (apply_appeal.lua `pend`): the caller applies them now.
    redis.call('DEL', finished_key)
    markers[finished_key] = false
    return 'OPENED_PENDING'
  end
  return 'OPENED'
end

-- Removes an open comment's record and schedule; returns it unpacked, or nil when there is none.
local function close_open(k, bucket, member)
  local packed = record_get(bucket, member)
  if not packed then return nil end
  local rec = unpack_record(packed)
  record_del(bucket, member)
  if rec.kind and rec.due_slot then wheel_rem(k.due, member, rec.next_at, rec.due_slot, k.soon) end
  rec.dim = rec.region .. '|' .. rec.category .. '|' .. rec.priority
  -- The `overdue` gauge counts the late wheel's members: it falls exactly when one leaves.
  if rec.late_slot and wheel_rem(k.late, member, rec.due_at, rec.late_slot, nil, true) then
    bump(k.cnt, k.daily, 'overdue', rec.dim, -1, false)
  end
  redis.call('ZREM', k.lease, member)
  bump(k.cnt, k.daily, 'open', rec.dim, -1, false)
  return rec
end

-- answer: an official reply closes the SLA (ANSWERED), or is remembered for a comment not seen yet
-- (ANSWERED_EARLY); DUPLICATE when already answered, cancelled or not actionable.
local function answer_sla(k, bucket, finished_key, member, answered_at, retention)
  local rec = close_open(k, bucket, member)
  if rec then
    marker_set(finished_key, 'a', retention)
    count_answer(k.cnt, k.daily, rec.dim, rec.priority, rec.posted_at, rec.due_at, answered_at)
    return 'ANSWERED'
  end
  local finished = marker_get(finished_key)
  if not finished or finished == 'p' then
    marker_set(finished_key, 'e' .. to36(answered_at), retention)
    return 'ANSWERED_EARLY'
  end
  if string.sub(finished, 1, 1) == 'e' and answered_at < from36(string.sub(finished, 2)) then
    -- Several replies before the comment: the first one is the first reply.
    marker_replace(finished_key, 'e' .. to36(answered_at))
  end
  return 'DUPLICATE'
end

-- cancel: a delete cancels the open SLA (CANCELLED) or is remembered for a comment not seen yet
-- (DELETED_EARLY); DUPLICATE when already finished.
local function cancel_sla(k, bucket, finished_key, member, retention)
  local rec = close_open(k, bucket, member)
  if rec then
    marker_set(finished_key, 'c', retention)
    bump(k.cnt, k.daily, 'cancelled', rec.dim, 1, true)
    return 'CANCELLED'
  end
  local finished = marker_get(finished_key)
  if not finished or string.sub(finished, 1, 1) == 'e' or finished == 'p' then
    marker_set(finished_key, 'd', retention)
    return 'DELETED_EARLY'
  end
  return 'DUPLICATE'
end

-- not actionable: a comment that needs no official reply is counted once (RECORDED, also when a
-- reply or a delete of it came first, which left a marker but counted nothing) or DUPLICATE.
local function record_not_actionable(k, bucket, finished_key, member, dim, retention)
  local finished = marker_get(finished_key)
  local early = finished and string.sub(finished, 1, 1)
  if finished and early ~= 'e' and early ~= 'd' and early ~= 'p' then return 'DUPLICATE' end
  if not finished and record_exists(bucket, member) then return 'DUPLICATE' end
  marker_set(finished_key, 'n', retention)
  bump(k.cnt, k.daily, 'not_actionable', dim, 1, true)
  return 'RECORDED'
end

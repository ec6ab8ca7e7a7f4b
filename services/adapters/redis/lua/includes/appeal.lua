-- The writes of the appeal lifecycle (issue #16; docs/sla-engine.md "The appeal lifecycle in Redis"): the
-- effects that core/sla/appeal.ts `stepAppeal` decided, applied to an appeal's records the way the
-- reference model (core/sla/model-appeals.ts) applies them. An appeal has up to two records: the reply
-- target's under its comment key (the first-reply record that apply_batch opened) and the final answer's
-- under `<key>#final`, each in the bucket of its own member, scheduled in the same wheels, so the
-- sweeper claims and acks either alike. A target's counters are the first reply's names with a prefix
-- (`final_`: services/core/sla/targets.ts metricOf). Needs clock, counters, record, wheel, transitions.

-- The model's `bump`: the `open` gauge of a positioned dimension is read as opened + its slot, so moving
-- `opened` there takes the slot the other way (the gauge itself moves only by its own bumps).
-- Gauges (`open`, `overdue`, theirs of other targets, `paused`: core/sla/paused-gauge.ts) have no daily bucket.
local function appeal_bump(k, metric, dim, delta)
  local daily = metric ~= 'open' and metric ~= 'overdue' and metric ~= 'paused' and string.sub(metric, -5) ~= '_open'
    and string.sub(metric, -8) ~= '_overdue'
  local pos = dim_position(dim)
  bump_at(k.cnt, k.daily, metric, pos, dim, delta, daily)
  if metric == 'opened' and pos then bump_at(k.cnt, k.daily, 'open', pos, dim, -delta, false) end
end

-- The record body fields before its tail (record.ts encodeRecordBody): posted_at, due_at - posted_at,
-- interval, max level (base 36), region, category code, priority code.
local BODY_FIELDS = 7

-- Removes a record and its schedule, its gauges counted off under `prefix`; returns it, or nil.
local function appeal_remove(k, bucket, member, prefix)
  local packed = record_get(bucket, member)
  if not packed then return nil end
  local rec = unpack_record(packed)
  record_del(bucket, member)
  if rec.kind and rec.due_slot then wheel_rem(k.due, member, rec.next_at, rec.due_slot, k.soon) end
  rec.dim = rec.region .. '|' .. rec.category .. '|' .. rec.priority
  if rec.late_slot and wheel_rem(k.late, member, rec.due_at, rec.late_slot, nil, true) then
    appeal_bump(k, prefix .. 'overdue', rec.dim, -1)
  end
  redis.call('ZREM', k.lease, member)
  appeal_bump(k, prefix .. 'open', rec.dim, -1)
  return rec
end

-- `planned`: starts a target's record or plans it again (warn_at, due_at and `body` as the clock now
-- says, `running` false while paused with no cap), then schedules its next alert at the server's `now`:
-- a WARNING not yet published when the deadline is ahead, else the BREACH; a record in the late wheel
-- whose deadline moved ahead again leaves it (no longer overdue, its BREACH due again); one still late
-- keeps its escalations, counted from the new deadline. A re-plan drops a claim in flight: its ack is
-- stale unless the alert is the same.
local function appeal_plan(k, bucket, member, prefix, warn_at, due_at, running, body, dim)
  local packed = record_get(bucket, member)
  local rec
  if packed then
    rec = unpack_record(packed)
    if rec.kind and rec.due_slot then wheel_rem(k.due, member, rec.next_at, rec.due_slot, k.soon) end
    redis.call('ZREM', k.lease, member)
    rec.dim = rec.region .. '|' .. rec.category .. '|' .. rec.priority
  else
    rec = { level = 0, dim = dim }
    -- The appeal itself was counted `opened` when its comment came; another target's record is its own.
    if prefix ~= '' then appeal_bump(k, prefix .. 'opened', dim, 1) end
    appeal_bump(k, prefix .. 'open', dim, 1)
  end
  local f = split_fields(body, BODY_FIELDS)
  local old_due = rec.due_at
  rec.body, rec.posted_at, rec.due_at, rec.due_slot = body, from36(f[1]), due_at, nil
  local interval = from36(f[3])
  if not running then
    rec.kind = nil
  else
    if rec.late_slot and now < due_at then
      wheel_rem(k.late, member, old_due, rec.late_slot, nil, true)
      appeal_bump(k, prefix .. 'overdue', rec.dim, -1)
      rec.late_slot, rec.level = nil, 0
    end
    if not rec.late_slot then
      if not rec.warned and now < due_at and warn_at < due_at then
        rec.kind, rec.level, rec.next_at = 'WARNING', 0, warn_at
      else
        rec.kind, rec.level, rec.next_at = 'BREACH', 0, due_at
      end
    else
      if old_due ~= due_at then
        wheel_rem(k.late, member, old_due, rec.late_slot, nil, true)
        rec.late_slot = wheel_add(k.late, member, due_at)
      end
      if rec.kind == 'BREACH' then
        rec.next_at = due_at
      elseif rec.kind == 'ESCALATION' then
        rec.next_at = due_at + rec.level * interval
      end
    end
  end
  if rec.kind then rec.due_slot = wheel_add(k.due, member, rec.next_at, nil, now) end
  record_put(bucket, member, pack_record(rec))
end

-- `met` and `dropped`: a target ends. Its record goes (leaving `marker` when it had one: the comment's
-- finished marker, for a reply target); `metric` is counted in the record's dimension, or in
-- `fallback_dim` when there was none unless `only_with_record`; `rt_priority` and `rt_ms`: the first
-- reply's response time, counted under the record's priority or that one.
local function appeal_close(k, bucket, member, finished_key, prefix, marker, metric, only_with_record,
    fallback_dim, rt_priority, rt_ms, retention)
  local rec = appeal_remove(k, bucket, member, prefix)
  if rec and marker ~= '' then marker_set(finished_key, marker, retention) end
  if metric ~= '' and (rec or not only_with_record) then
    appeal_bump(k, metric, rec and rec.dim or fallback_dim, 1)
  end
  if rt_priority ~= '' then record_response(k.cnt, rec and rec.priority or rt_priority, rt_ms) end
end

-- `reclassified`: the appeal's `opened` (from `opened_from`, the bucket it was counted in before an
-- incident's raise, when given; another target's from its record's `opened_from`) and every open record's gauges move from one dimension to the other
-- once, and the records are rewritten under the new category and priority. `raised` (an incident's
-- raise, `move_opened` false): the gauges and records alone, no `opened`.
local function appeal_move(k, records, from_dim, to_dim, category, priority, opened_from, move_opened)
  if move_opened then
    appeal_bump(k, 'opened', opened_from or from_dim, -1)
    appeal_bump(k, 'opened', to_dim, 1)
  end
  for _, r in ipairs(records) do
    local packed = record_get(r.bucket, r.member)
    if packed then
      local rec = unpack_record(packed)
      appeal_bump(k, r.prefix .. 'open', from_dim, -1)
      appeal_bump(k, r.prefix .. 'open', to_dim, 1)
      if rec.late_slot then
        appeal_bump(k, r.prefix .. 'overdue', from_dim, -1)
        appeal_bump(k, r.prefix .. 'overdue', to_dim, 1)
      end
      if r.prefix ~= '' and move_opened then
        appeal_bump(k, r.prefix .. 'opened', r.opened_from or from_dim, -1)
        appeal_bump(k, r.prefix .. 'opened', to_dim, 1)
      end
      local f = split_fields(rec.body, BODY_FIELDS)
      f[6] = CATEGORY_CODES[category] or category
      f[7] = PRIORITY_CODES[priority] or priority
      rec.body = table.concat(f, SEP)
      record_put(r.bucket, r.member, pack_record(rec))
    end
  end
end

-- `closedNotActionable`: counted once; the comment's marker says so unless it finished otherwise.
local function appeal_not_actionable(k, finished_key, dim, retention)
  local finished = marker_get(finished_key)
  if not finished or finished == 'a' then marker_set(finished_key, 'n', retention) end
  appeal_bump(k, 'not_actionable', dim, 1)
end

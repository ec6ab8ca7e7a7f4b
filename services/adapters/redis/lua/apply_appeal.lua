--[[
  apply_appeal: the write of the appeal lifecycle's read-decide-write (issue #16; docs/sla-engine.md "The
  appeal lifecycle in Redis"): the appeal's new state and the effects TypeScript decided
  (core/sla/appeal.ts stepAppeal), applied atomically, only if the appeal is still as read_appeal saw it
  (its fingerprint); otherwise nothing changes and the caller reads and decides again. A replay never
  gets here: the state's `seen` ids make it DUPLICATE in the decision.

  KEYS[1] due wheel (base key)  KEYS[2] late wheel (base key)  KEYS[3] lease zset  KEYS[4] counters hash
  KEYS[5] daily counters hash   KEYS[6] the due wheel's `soon` zset   KEYS[7] the appeal's state hash
  KEYS[8] its pending list   KEYS[9] the shard's corrections log   KEYS[10] the comment's finished marker
  KEYS[11] the comment's record bucket   KEYS[12] the final answer's record bucket (`<key>#final`)
  KEYS[13] the comment's action log   KEYS[14] the next reply's record bucket (`<key>#next`)
  KEYS[15] the comment's thread link (the appeal a follow-up under it belongs to)
  ARGV[1] comment key  ARGV[2] retention ms  ARGV[3] the fingerprint read  ARGV[4] the new state as JSON
  ('': unchanged)  ARGV[5] '1': the appeal is finished, its state expires with the retention
  ARGV[6] the record tail to keep with the state ('': unchanged)  ARGV[7] the effects as a JSON array
  ARGV[8...] record bodies the effects name by their index (binary: not inside the JSON)

  Effects ({ op = ..., ... }, in order): plan (slot 'r', 'f' or 'n', prefix, warn, due, running, body, dim),
  close (slot, prefix, marker, metric, only_with_record, dim, rt_priority, rt_ms), move (from, to,
  category, priority; opened_from, opened_from_f, opened_from_n: where the appeal's, the final answer's
  and the next reply's `opened` were counted, if not `from`; opened = false: an incident's raise, the
  gauges alone), not_actionable (dim), bump (metric, dim, delta), pend (entry: kept for the comment;
  a marker `p` tells its open), unpend, marker (value: a delete before the comment), early (at: a reply before the comment, the `e` marker as
  answer_sla keeps it), log (id, action: the action log), correction (entry), link (to: the appeal's key;
  persist: kept while the appeal is open, else it expires with the retention).

  Returns OK, or CONFLICT when the fingerprint changed.
]]
--- @include "clock"
--- @include "counters"
--- @include "record"
--- @include "wheel"
--- @include "transitions"
--- @include "appeal"
--- @include "appeal_fingerprint"

local k = { due = KEYS[1], late = KEYS[2], lease = KEYS[3], cnt = KEYS[4], daily = KEYS[5], soon = KEYS[6] }
local member, retention = ARGV[1], ARGV[2]
local state_key, pending_key, marker_key = KEYS[7], KEYS[8], KEYS[10]
if appeal_fingerprint(state_key, KEYS[11], marker_key, pending_key, member) ~= ARGV[3] then
  return 'CONFLICT'
end

local slots = {
  r = { bucket = KEYS[11], member = member, prefix = '' },
  f = { bucket = KEYS[12], member = member .. '#final', prefix = 'final_' },
  n = { bucket = KEYS[14], member = member .. '#next', prefix = 'next_' },
}
for _, e in ipairs(cjson.decode(ARGV[7])) do
  local op = e.op
  if op == 'plan' then
    local s = slots[e.slot]
    appeal_plan(k, s.bucket, s.member, e.prefix, e.warn, e.due, e.running, ARGV[7 + e.body], e.dim)
  elseif op == 'close' then
    local s = slots[e.slot]
    appeal_close(k, s.bucket, s.member, marker_key, e.prefix, e.marker, e.metric, e.only_with_record, e.dim,
      e.rt_priority, e.rt_ms, retention)
  elseif op == 'move' then
    local from_of = function(v) if v == nil or v == cjson.null then return nil end return v end
    slots.f.opened_from, slots.n.opened_from = from_of(e.opened_from_f), from_of(e.opened_from_n)
    appeal_move(k, { slots.r, slots.f, slots.n }, e.from, e.to, e.category, e.priority,
      from_of(e.opened_from), e.opened ~= false)
  elseif op == 'not_actionable' then
    appeal_not_actionable(k, marker_key, e.dim, retention)
  elseif op == 'bump' then
    appeal_bump(k, e.metric, e.dim, e.delta)
  elseif op == 'pend' then
    redis.call('RPUSH', pending_key, e.entry)
    redis.call('PEXPIRE', pending_key, retention)
    if not marker_get(marker_key) then marker_set(marker_key, 'p', retention) end
  elseif op == 'marker' then
    marker_set(marker_key, e.value, retention)
  elseif op == 'unpend' then
    redis.call('DEL', pending_key)
  elseif op == 'early' then
    local finished = marker_get(marker_key)
    if not finished or finished == 'p' then
      marker_set(marker_key, 'e' .. to36(e.at), retention)
    elseif string.sub(finished, 1, 1) == 'e' and e.at < from36(string.sub(finished, 2)) then
      marker_replace(marker_key, 'e' .. to36(e.at))
    end
  elseif op == 'log' then
    redis.call('HSETNX', KEYS[13], e.id, e.action)
    redis.call('PEXPIRE', KEYS[13], retention)
  elseif op == 'correction' then
    redis.call('RPUSH', KEYS[9], e.entry)
  elseif op == 'link' then
    if e.persist then
      redis.call('SET', KEYS[15], e.to)
    else
      redis.call('SET', KEYS[15], e.to, 'PX', retention)
    end
  else
    error('apply_appeal: unknown effect ' .. tostring(op))
  end
end

if ARGV[4] ~= '' then
  redis.call('HINCRBY', state_key, 'v', 1)
  redis.call('HSET', state_key, 's', ARGV[4])
  if ARGV[6] ~= '' then redis.call('HSET', state_key, 't', ARGV[6]) end
  if ARGV[5] == '1' then redis.call('PEXPIRE', state_key, retention) else redis.call('PERSIST', state_key) end
end
flush_wheels()
flush_counters()
return 'OK'

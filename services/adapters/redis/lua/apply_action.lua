--[[
  apply_action: one operator action (issue #16) on the appeal opened by a comment, once per action id
  whatever repeats. Every action is kept in the appeal's action log (one hash per comment, under its
  shard's hash tag, expiring with the SLA retention), so the lifecycle steps still to be built find the
  ones this version does not apply yet; HSETNX on the action id makes a replay DUPLICATE before anything
  changes.

  Applied now: INTERIM_REPLY ends the first reply exactly as an official reply at `acted_at` does
  (transitions.lua answer_sla): an open record is closed and counted in time or late; before the comment
  arrived, the finished marker remembers it and the comment's open counts it (ANSWERED_BEFORE), which is
  how an action before its comment is applied when the comment arrives.

  KEYS[1] due wheel (base key)  KEYS[2] late wheel (base key)  KEYS[3] lease zset  KEYS[4] counters hash
  KEYS[5] daily counters hash   KEYS[6] the due wheel's `soon` zset   KEYS[7] the comment's action log
  KEYS[8] the comment's record bucket   KEYS[9] the comment's finished marker
  ARGV[1] comment key  ARGV[2] retention ms  ARGV[3] action id  ARGV[4] kind  ARGV[5] acted_at (ms)
  ARGV[6] the action as JSON (kept in the log)

  Returns ANSWERED, ANSWERED_EARLY (INTERIM_REPLY before the comment), IGNORED (INTERIM_REPLY on a
  comment already answered, cancelled or not actionable), KEPT (a kind not applied yet) or DUPLICATE.
]]
--- @include "clock"
--- @include "counters"
--- @include "record"
--- @include "wheel"
--- @include "transitions"

local k = { due = KEYS[1], late = KEYS[2], lease = KEYS[3], cnt = KEYS[4], daily = KEYS[5], soon = KEYS[6] }
local member, retention, kind = ARGV[1], ARGV[2], ARGV[4]

if redis.call('HSETNX', KEYS[7], ARGV[3], ARGV[6]) == 0 then return 'DUPLICATE' end
redis.call('PEXPIRE', KEYS[7], retention)
if kind ~= 'INTERIM_REPLY' then return 'KEPT' end

local outcome = answer_sla(k, KEYS[8], KEYS[9], member, tonumber(ARGV[5]), retention)
flush_wheels()
flush_counters()
if outcome == 'DUPLICATE' then return 'IGNORED' end
return outcome

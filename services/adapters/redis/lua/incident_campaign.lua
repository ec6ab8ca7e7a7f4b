--[[
  incident_campaign: a campaign's member is flagged and, unless the service keeps campaign SLAs, its
  first-reply SLA is cancelled (docs/incidents.md#consequences), once per comment whatever repeats: the
  flag key says it was done, holds the campaign id and expires with the SLA retention. The close is the
  delete transition of includes/transitions.lua, so the member is counted once, as `cancelled`, and a
  member whose SLA has not opened yet (the worker behind the incident service) never opens one: the
  finished marker it leaves makes the later open DELETED_BEFORE. No second counter, no second count.

  KEYS[1] due wheel (base key)   KEYS[2] late wheel (base key)   KEYS[3] lease zset
  KEYS[4] counters hash   KEYS[5] daily counters hash   KEYS[6] the due wheel's `soon` zset
  KEYS[7] the member's record bucket   KEYS[8] its finished marker   KEYS[9] its campaign flag
  ARGV[1] comment key   ARGV[2] '1' cancel the SLA, '0' flag only   ARGV[3] retention ms   ARGV[4] campaign id

  Returns FLAGGED (flag only), CANCELLED (its open SLA closed), DELETED_EARLY (no SLA yet: none will
  open), NOT_OPEN (already answered, cancelled or not actionable), DUPLICATE (flag present).
]]
--- @include "clock"
--- @include "counters"
--- @include "record"
--- @include "wheel"
--- @include "transitions"

if redis.call('EXISTS', KEYS[9]) == 1 then return 'DUPLICATE' end
redis.call('SET', KEYS[9], ARGV[4], 'PX', ARGV[3])
if ARGV[2] ~= '1' then return 'FLAGGED' end
local k = { due = KEYS[1], late = KEYS[2], lease = KEYS[3], cnt = KEYS[4], daily = KEYS[5], soon = KEYS[6] }
local outcome = cancel_sla(k, KEYS[7], KEYS[8], ARGV[1], ARGV[3])
flush_counters()
if outcome == 'DUPLICATE' then return 'NOT_OPEN' end
return outcome

--[[
  read_appeal: the read of the appeal lifecycle's read-decide-write (issue #16; docs/sla-engine.md "The
  appeal lifecycle in Redis"). Read-only. TypeScript decides the step with core/sla/appeal.ts (the
  region's calendars live there) and apply_appeal.lua writes it only if the fingerprint is unchanged.

  KEYS[1] the appeal's state hash   KEYS[2] the comment's record bucket   KEYS[3] its finished marker
  KEYS[4] its pending list (inputs that came before the comment)
  ARGV[1] comment key

  Returns { fingerprint, state JSON or '', record tail or '', first-reply record or '', pending entries }:
  the fingerprint is `v<version>` when the appeal has a state, else `r` while its first-reply record is
  open, else `m<marker>#<pending count>` (includes/appeal_fingerprint.lua). (The clock include is unused
  here; every SLA script has it, so that the tests that replace it find it.)
]]
--- @include "clock"
--- @include "appeal_fingerprint"

local state = redis.call('HMGET', KEYS[1], 's', 't')
return { appeal_fingerprint(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1]), state[1] or '', state[2] or '',
  redis.call('HGET', KEYS[2], ARGV[1]) or '', redis.call('LRANGE', KEYS[4], 0, -1) }

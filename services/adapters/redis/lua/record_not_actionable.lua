--[[
  record_not_actionable: a comment that needs no official reply (thanks, spam, media, bots, excluded
  categories); count it once.

  KEYS[1] comment hash   KEYS[2] counters hash   KEYS[3] daily counters hash
  ARGV[1] region  ARGV[2] category  ARGV[3] priority  ARGV[4] retention ms

  Returns { status }: 'RECORDED' or 'DUPLICATE' (already known: nothing changed)
]]
--- @include "clock"
--- @include "counters"

if redis.call('EXISTS', KEYS[1]) == 1 then return { 'DUPLICATE' } end
redis.call('HSET', KEYS[1], 's', 'na', 'r', ARGV[1], 'c', ARGV[2], 'p', ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
bump(KEYS[2], KEYS[3], 'not_actionable', ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3], 1, true)
return { 'RECORDED' }

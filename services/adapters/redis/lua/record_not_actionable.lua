--[[
  record_not_actionable: a comment that needs no official reply (thanks, spam, media, bots, excluded
  categories); count it once.

  KEYS[1] record bucket hash   KEYS[2] finished marker   KEYS[3] counters hash   KEYS[4] daily counters hash
  ARGV[1] member (comment key)  ARGV[2] region  ARGV[3] category  ARGV[4] priority  ARGV[5] retention ms

  Returns { status }: 'RECORDED' or 'DUPLICATE' (already known: nothing changed)
]]
--- @include "clock"
--- @include "counters"
--- @include "record"

if record_exists(KEYS[1], ARGV[1]) or redis.call('EXISTS', KEYS[2]) == 1 then return { 'DUPLICATE' } end
redis.call('SET', KEYS[2], 'n', 'PX', tonumber(ARGV[5]))
bump(KEYS[3], KEYS[4], 'not_actionable', ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4], 1, true)
return { 'RECORDED' }

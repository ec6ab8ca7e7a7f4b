--[[
  record_not_actionable: a comment that needs no official reply (thanks, spam, media, bots, excluded
  categories); count it once.

  KEYS[1] record bucket hash   KEYS[2] finished marker   KEYS[3] counters hash   KEYS[4] daily counters hash
  ARGV[1] member (comment key)  ARGV[2] region  ARGV[3] category  ARGV[4] priority  ARGV[5] retention ms

  Returns { status }: 'RECORDED' (also when a reply or delete of it came first) or 'DUPLICATE' (already
  counted: nothing changed)
]]
--- @include "clock"
--- @include "counters"
--- @include "record"

if record_exists(KEYS[1], ARGV[1]) then return { 'DUPLICATE' } end
-- A reply or a delete seen before the comment leaves a marker ('e...', 'd') but counted nothing yet.
local finished = redis.call('GET', KEYS[2])
local early = finished and string.sub(finished, 1, 1)
if finished and early ~= 'e' and early ~= 'd' then return { 'DUPLICATE' } end
redis.call('SET', KEYS[2], 'n', 'PX', tonumber(ARGV[5]))
bump(KEYS[3], KEYS[4], 'not_actionable', ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4], 1, true)
return { 'RECORDED' }

-- What an appeal's read saw, in one string (read_appeal.lua, apply_appeal.lua): its state's version once
-- it has one; before that, whether its first-reply record is open, else its finished marker and how many
-- inputs wait for the comment. A write decided on a read whose fingerprint has changed is refused.
local function appeal_fingerprint(state_key, bucket, finished_key, pending_key, member)
  local version = redis.call('HGET', state_key, 'v')
  if version then return 'v' .. version end
  if redis.call('HEXISTS', bucket, member) == 1 then return 'r' end
  return 'm' .. (redis.call('GET', finished_key) or '') .. '#' .. redis.call('LLEN', pending_key)
end

#include "redis/webhook_scripts.hpp"

#include "redis/task_scripts.hpp"

namespace vs::redis::scripts {

namespace {

const std::string webhook_helpers = R"lua(
local function webhook_key(id) return 'video-service:webhook:' .. id end
local function holds(key, wanted) local kind = type_of(key) return kind == wanted or kind == 'none' end
)lua";

lua_script webhook_script(const char* name, const std::string& body) { return script(name, webhook_helpers + body); }

} // namespace

const lua_script webhook_add = webhook_script("webhook_add", R"lua(
local key, due, index = KEYS[1], KEYS[2], KEYS[3]
if not holds(due, 'zset') then return {'refused', due .. ' is not a sorted set'} end
if type_of(key) == 'hash' then return {'already'} end
if type_of(key) ~= 'none' then return {'refused', key .. ' is not a hash'} end
if not holds(index, 'string') then redis.call('DEL', index) end
redis.call('HSET', key, 'job_id', ARGV[2], 'url', ARGV[3], 'event', ARGV[4], 'body', ARGV[5], 'created_at', ARGV[6],
           'deadline', ARGV[7], 'state', 'pending', 'attempts', '[]', 'attempt_count', '0', 'next_attempt_at', ARGV[8])
redis.call('EXPIRE', key, ARGV[9])
redis.call('SET', index, ARGV[1], 'EX', ARGV[9])
redis.call('ZADD', due, ARGV[8], ARGV[1])
return {'added'}
)lua");

const lua_script webhook_claim = webhook_script("webhook_claim", R"lua(
local due, fence = KEYS[1], KEYS[2]
local now, lease_end, worker = ARGV[1], ARGV[2], ARGV[3]
if type_of(due) == 'none' then return {'none', ''} end
if type_of(due) ~= 'zset' then return {'refused', due .. ' is not a sorted set'} end
if not holds(fence, 'string') then return {'refused', fence .. ' is not a counter'} end
local current = redis.call('GET', fence)
if current and not integer_of(current) then return {'refused', fence .. ' holds ' .. shown(current)} end
-- Ids whose hash is gone or no longer pending are dropped on the way.
for _ = 1, 50 do
  local first = redis.call('ZRANGEBYSCORE', due, '-inf', now, 'LIMIT', 0, 1)
  if #first == 0 then
    local earliest = redis.call('ZRANGE', due, 0, 0, 'WITHSCORES')
    return {'none', earliest[2] or ''}
  end
  local id = first[1]
  local key = webhook_key(id)
  local state = false
  if type_of(key) == 'hash' then state = redis.call('HGET', key, 'state') end
  if state ~= 'pending' then
    redis.call('ZREM', due, id)
  else
    local token = tostring(redis.call('INCR', fence))
    redis.call('HSET', key, 'claim', token, 'claimed_by', worker)
    redis.call('ZADD', due, lease_end, id)
    local f = redis.call('HMGET', key, 'job_id', 'url', 'event', 'body', 'created_at', 'deadline', 'attempts',
                         'attempt_count', 'next_attempt_at')
    return {'claimed', id, token, f[1] or '', f[2] or '', f[3] or '', f[4] or '', f[5] or '', f[6] or '',
            f[7] or '[]', f[8] or '0', f[9] or ''}
  end
end
return {'none', now}
)lua");

const lua_script webhook_settle = webhook_script("webhook_settle", R"lua(
local key, due, index = KEYS[1], KEYS[2], KEYS[3]
local id, token, state = ARGV[1], ARGV[2], ARGV[3]
if type_of(key) ~= 'hash' or redis.call('HGET', key, 'claim') ~= token then return {'lost'} end
if not holds(due, 'zset') then return {'refused', due .. ' is not a sorted set'} end
redis.call('HSET', key, 'state', state, 'attempts', ARGV[4], 'attempt_count', ARGV[5], 'next_attempt_at', ARGV[6])
redis.call('HDEL', key, 'claim', 'claimed_by')
if state == 'pending' then
  redis.call('ZADD', due, ARGV[6], id)
else
  redis.call('ZREM', due, id)
  redis.call('EXPIRE', key, ARGV[7])
  if type_of(index) == 'string' and redis.call('GET', index) == id then redis.call('EXPIRE', index, ARGV[7]) end
end
return {'done'}
)lua");

const lua_script webhook_find = webhook_script("webhook_find", R"lua(
if type_of(KEYS[1]) ~= 'string' then return {'none'} end
local id = redis.call('GET', KEYS[1])
local key = webhook_key(id)
if type_of(key) ~= 'hash' then return {'none'} end
local f = redis.call('HMGET', key, 'url', 'event', 'state', 'attempts', 'attempt_count', 'next_attempt_at')
return {'found', id, f[1] or '', f[2] or '', f[3] or '', f[4] or '[]', f[5] or '0', f[6] or ''}
)lua");

} // namespace vs::redis::scripts

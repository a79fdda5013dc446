#include "redis/chunk_scripts.hpp"

#include "redis/task_scripts.hpp"

namespace vs::redis::scripts {

namespace {

/// Helpers of the chunk scripts: a chunk's key from its id, and the states
/// of a plan's chunks as the owner reads them.
const std::string chunk_helpers = R"lua(
local function chunk_key(id) return 'video-service:chunk:' .. id end
local function states_of(job, count)
  local out = {}
  for i = 0, count - 1 do
    local key = chunk_key(job .. ':' .. i)
    local found = {false, false, false, false}
    if type_of(key) == 'hash' then found = redis.call('HMGET', key, 'status', 'frames', 'result_ref', 'error') end
    table.insert(out, found[1] or 'missing')
    table.insert(out, found[2] or '0')
    table.insert(out, found[3] or '')
    table.insert(out, found[4] or '')
  end
  return out
end
local function remove_chunks(job, count, queue)
  for i = 0, count - 1 do
    local id = job .. ':' .. i
    forget(queue, id, 0)
    redis.call('DEL', chunk_key(id))
  end
end
)lua";

lua_script chunk_script(const char* name, const std::string& body) { return script(name, chunk_helpers + body); }

} // namespace

const lua_script chunk_plan = chunk_script("chunk_plan", R"lua(
local plan, task, queue = KEYS[1], KEYS[2], KEYS[3]
local job, token, spec, audio, now, ttl, count = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
if not pushable(queue) then return {'lost'} end
local kind = type_of(plan)
if kind ~= 'none' and kind ~= 'hash' then redis.call('DEL', plan) kind = 'none' end
if kind == 'hash' then
  local found = redis.call('HMGET', plan, 'owner', 'spec', 'count')
  if found[1] ~= token then
    -- Only the job task's current owner may take the plan over.
    local fence = state_of(task)
    if fence ~= token then return {'lost'} end
    redis.call('HSET', plan, 'owner', token, 'updated_at', now)
  end
  if found[2] == spec and integer_of(found[3]) == count then
    return {'planned', unpack(states_of(job, count))}
  end
  -- Another plan (the task changed): its chunks are no use.
  remove_chunks(job, integer_of(found[3]) or 0, queue)
end
redis.call('DEL', plan)
redis.call('HSET', plan, 'job', job, 'owner', token, 'spec', spec, 'audio_seconds', audio, 'count', tostring(count),
           'created_at', now, 'updated_at', now)
redis.call('EXPIRE', plan, ttl)
for i = 0, count - 1 do
  local id = job .. ':' .. i
  local key = chunk_key(id)
  redis.call('DEL', key)
  redis.call('HSET', key, 'job', job, 'index', tostring(i), 'first', ARGV[8 + 2 * i], 'end', ARGV[9 + 2 * i],
             'status', 'queued', 'attempts', '0', 'frames', '0', 'updated_at', now)
  redis.call('EXPIRE', key, ttl)
  redis.call('LPUSH', queue, id)
end
return {'planned', unpack(states_of(job, count))}
)lua");

const lua_script chunk_states = chunk_script("chunk_states", R"lua(
if type_of(KEYS[1]) ~= 'hash' then return {'gone'} end
local found = redis.call('HMGET', KEYS[1], 'job', 'count')
local count = integer_of(found[2])
if found[1] == false or count == nil then return {'gone'} end
return {'states', unpack(states_of(found[1], count))}
)lua");

const lua_script chunk_cancel = chunk_script("chunk_cancel", R"lua(
if type_of(KEYS[1]) ~= 'hash' then return {'already'} end
local found = redis.call('HMGET', KEYS[1], 'owner', 'count')
if found[1] ~= ARGV[2] then return {'lost'} end
remove_chunks(ARGV[1], integer_of(found[2]) or 0, KEYS[2])
redis.call('DEL', KEYS[1])
return {'done'}
)lua");

const lua_script chunk_claim = chunk_script("chunk_claim", R"lua(
local key, list, id = KEYS[1], KEYS[2], ARGV[1]
local function skip(reason)
  forget(list, id, 1)
  return {'skip', reason}
end
if type_of(key) ~= 'hash' then return skip('there is no chunk hash (its job finished or was cancelled)') end
if type_of(KEYS[4]) ~= 'hash' then return skip('its job has no chunk plan') end
local found = redis.call('HMGET', key, 'status', 'attempts', 'first', 'end')
if found[1] ~= 'queued' then return skip('its status is ' .. tostring(found[1] or 'missing')) end
local tries = integer_of(found[2] or '0')
local first, last = integer_of(found[3]), integer_of(found[4])
if tries == nil or first == nil or last == nil then return skip('its attempts, first or end is not an integer') end
local fence_kind = type_of(KEYS[3])
if fence_kind ~= 'none' and (fence_kind ~= 'string' or integer_of(redis.call('GET', KEYS[3])) == nil) then
  return {'skip', 'the fence counter ' .. KEYS[3] .. ' is not an integer'}
end
local token = redis.call('INCR', KEYS[3])
tries = tries + 1
redis.call('HSET', key, 'status', 'processing', 'worker', ARGV[2], 'fence', tostring(token), 'attempts',
           tostring(tries), 'frames', '0', 'started_at', ARGV[3], 'updated_at', ARGV[3])
redis.call('HDEL', key, 'error')
local plan = redis.call('HMGET', KEYS[4], 'spec', 'audio_seconds')
return {'claimed', tostring(token), tostring(tries), tostring(first), tostring(last), plan[1] or '', plan[2] or ''}
)lua");

const lua_script chunk_progress = chunk_script("chunk_progress", R"lua(
local fence, status = state_of(KEYS[1])
if fence ~= ARGV[1] or status ~= 'processing' then return 0 end
redis.call('HSET', KEYS[1], 'frames', ARGV[2], 'updated_at', ARGV[3])
return 1
)lua");

const lua_script chunk_complete = chunk_script("chunk_complete", R"lua(
forget(KEYS[2], ARGV[2], 0)
local fence, status = state_of(KEYS[1])
if fence == ARGV[1] and status == 'done' then return {'already'} end
if fence ~= ARGV[1] or status ~= 'processing' then return {'lost'} end
local found = redis.call('HMGET', KEYS[1], 'first', 'end')
local frames = (integer_of(found[2]) or 0) - (integer_of(found[1]) or 0)
redis.call('HSET', KEYS[1], 'status', 'done', 'result_ref', ARGV[4], 'file_size', ARGV[5], 'frames',
           tostring(frames), 'updated_at', ARGV[3], 'finished_at', ARGV[3])
return {'done'}
)lua");

const lua_script chunk_release = chunk_script("chunk_release", R"lua(
if not pushable(KEYS[3]) then return {'lost'} end
forget(KEYS[2], ARGV[2], 0)
local fence, status = state_of(KEYS[1])
if fence == ARGV[1] and status == 'queued' then return {'already'} end
if fence ~= ARGV[1] or status ~= 'processing' then return {'lost'} end
local attempts = integer_of(redis.call('HGET', KEYS[1], 'attempts')) or 1
redis.call('HSET', KEYS[1], 'status', 'queued', 'updated_at', ARGV[3], 'frames', '0',
           'attempts', tostring(math.max(attempts - 1, 0)))
redis.call('HDEL', KEYS[1], 'worker')
redis.call('RPUSH', KEYS[3], ARGV[2])
return {'done'}
)lua");

} // namespace vs::redis::scripts

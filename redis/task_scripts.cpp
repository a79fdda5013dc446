#include "redis/task_scripts.hpp"

namespace vs::redis::scripts {

// Redis does not roll a script back when it raises half-way: whatever it
// wrote before the error stays. So every script checks all it reads (key
// types, integers, JSON) before its first write, and none calls a command
// that can fail on the data it finds (HINCRBY on text, HGET on a string,
// LPUSH onto a hash). Bad data is answered, never raised.
//
// Scripts touch task:{consumer} and queue:{service} keys they compute
// themselves (PROTOCOL.md's consumer trigger needs them); fine on a single
// Redis, which is what the pipeline uses (not Redis Cluster).

namespace {

/// Helpers every script starts with. A constant, not a std::string: scripts
/// in other files are built from it during static initialisation.
constexpr const char* prelude = R"lua(
local function type_of(key) return redis.call('TYPE', key)['ok'] end
-- A value as HINCRBY would accept it (no sign '+', no leading zero, no
-- spaces), and small enough for a Lua number to hold exactly; else nil.
local function integer_of(text)
  if type(text) ~= 'string' or #text > 16 then return nil end
  if text == '0' or string.match(text, '^%-?[1-9]%d*$') then return tonumber(text) end
  return nil
end
-- A value quoted for an error message, cut short.
local function shown(text)
  text = tostring(text)
  if #text > 40 then text = string.sub(text, 1, 40) .. '...' end
  return "'" .. text .. "'"
end
local function pushable(key) local kind = type_of(key) return kind == 'list' or kind == 'none' end
local function forget(list, id, count)
  if type_of(list) == 'list' then redis.call('LREM', list, count, id) end
end
-- Adds a job to the index GET /jobs reads (job_index_key), keeping its
-- first-seen time and the newest ARGV-given count; a key of another type is left alone.
local function index_job(index, id, at_ms, keep)
  local kind = type_of(index)
  if kind ~= 'none' and kind ~= 'zset' then return end
  redis.call('ZADD', index, 'NX', at_ms, id)
  redis.call('ZREMRANGEBYRANK', index, 0, -(tonumber(keep) + 1))
end
local function push_once(list, id)
  if not redis.call('LPOS', list, id) then redis.call('LPUSH', list, id) end
end
-- The fence and status of a task hash, or nil when the key is no hash.
local function state_of(key)
  if type_of(key) ~= 'hash' then return nil, nil end
  local found = redis.call('HMGET', key, 'fence', 'status')
  return found[1], found[2]
end
)lua";

/// What the reaper and a restarted worker do with one id of a processing
/// list whose worker is gone: back on the queue, or failed onto the dead
/// queue once it has been claimed max_attempts times. The callers have
/// checked that both queues can be pushed to.
const std::string requeue = R"lua(
local function requeue(id, owner, now, max_attempts, queue, dead)
  local key = 'task:' .. id
  local kind = type_of(key)
  if kind == 'none' then return 'dropped' end
  if kind ~= 'hash' then
    push_once(dead, id)
    return 'dead'
  end
  local found = redis.call('HMGET', key, 'status', 'worker', 'attempts')
  local status, worker = found[1], found[2]
  if status == 'processing' and worker == owner then
    local attempts = integer_of(found[3])
    if attempts == nil or attempts >= max_attempts then
      local why = 'gave up after ' .. tostring(attempts) .. ' attempts: each worker that claimed it stopped (killed or lost) before finishing'
      if attempts == nil then why = 'gave up: attempts ' .. shown(found[3]) .. ' is not an integer' end
      redis.call('HSET', key, 'status', 'failed', 'updated_at', now, 'finished_at', now, 'error', why)
      push_once(dead, id)
      return 'dead'
    end
    redis.call('HSET', key, 'status', 'queued', 'updated_at', now, 'progress', '0')
    redis.call('HDEL', key, 'worker')
    redis.call('RPUSH', queue, id)
    return 'requeued'
  elseif status == 'queued' or status == 'pending' then
    -- Taken off the queue but never claimed: put it back.
    redis.call('RPUSH', queue, id)
    return 'requeued'
  end
  return 'dropped'
end
)lua";

/// The same for a chunk of a chunked job (issue 11): back on the chunk
/// queue, or failed once claimed max_attempts times (its owner then fails
/// the job with the chunk's error). Chunks have no dead queue: the job's
/// task records the failure.
const std::string requeue_chunk = R"lua(
local function requeue_chunk(id, owner, now, max_attempts, queue)
  local key = 'video-service:chunk:' .. id
  if type_of(key) ~= 'hash' then return 'dropped' end
  local found = redis.call('HMGET', key, 'status', 'worker', 'attempts')
  local status, worker = found[1], found[2]
  if status == 'processing' and worker == owner then
    local attempts = integer_of(found[3]) or max_attempts
    if attempts >= max_attempts then
      redis.call('HSET', key, 'status', 'failed', 'updated_at', now, 'error', 'chunk ' .. id .. ' gave up after ' ..
                 tostring(attempts) .. ' attempts: each worker that claimed it stopped (killed or lost) before finishing')
      return 'dead'
    end
    redis.call('HSET', key, 'status', 'queued', 'updated_at', now, 'frames', '0')
    redis.call('HDEL', key, 'worker')
    redis.call('RPUSH', queue, id)
    return 'requeued'
  elseif status == 'queued' then
    redis.call('RPUSH', queue, id)
    return 'requeued'
  end
  return 'dropped'
end
-- Every id of a gone worker's chunk list, requeued; outcomes appended.
local function requeue_chunks(list, owner, now, max_attempts, queue, outcomes)
  if type_of(list) == 'list' then
    for _, id in ipairs(redis.call('LRANGE', list, 0, -1)) do
      table.insert(outcomes, id)
      table.insert(outcomes, requeue_chunk(id, owner, now, max_attempts, queue))
    end
  end
  redis.call('DEL', list)
end
)lua";

} // namespace

lua_script script(const char* name, const std::string& body) { return {name, std::string(prelude) + body}; }

const lua_script claim = script("claim", R"lua(
local key, list, id, now = KEYS[1], KEYS[2], ARGV[1], ARGV[3]
local function leave(outcome, reason)
  forget(list, id, 1)
  return {outcome, reason}
end
local function reject(reason)
  reason = 'task ' .. id .. ': ' .. reason
  if type_of(key) == 'hash' then
    redis.call('HSET', key, 'status', 'failed', 'error', reason, 'updated_at', now, 'finished_at', now)
    index_job(KEYS[5], id, ARGV[6], ARGV[7])
  end
  push_once(KEYS[4], id)
  return leave('rejected', reason)
end
if not pushable(KEYS[4]) then return {'blocked', KEYS[4] .. ' is a ' .. type_of(KEYS[4]) .. ', not a list'} end
local kind = type_of(key)
if kind == 'none' then return leave('skip', 'there is no task hash') end
if kind ~= 'hash' then return reject(key .. ' is a ' .. kind .. ', not a hash') end
local found = redis.call('HMGET', key, 'status', 'service', 'queue', 'attempts', 'worker', 'fence')
local status, service, waiting, attempts = found[1], found[2], found[3], found[4]
if service ~= ARGV[4] then return leave('skip', 'it belongs to ' .. (service or 'no service')) end
-- A claim of ours whose answer was lost (a timeout): carry on with it.
if ARGV[5] == '1' and status == 'processing' and found[5] == ARGV[2] then
  return {'claimed', found[6] or '', attempts or '0'}
end
if status == 'pending' and waiting and waiting ~= '' then
  local count = integer_of(waiting)
  if count == nil then return reject('queue ' .. shown(waiting) .. ' is not an integer') end
  if count > 0 then return leave('skip', 'its status is pending') end
elseif status ~= 'queued' and status ~= 'pending' then
  return leave('skip', 'its status is ' .. (status or 'missing'))
end
local tries = 0
if attempts and attempts ~= '' then
  tries = integer_of(attempts)
  if tries == nil then return reject('attempts ' .. shown(attempts) .. ' is not an integer') end
end
-- Our own counter: a broken one is not the task's fault, so the id stays.
local fence_kind = type_of(KEYS[3])
if fence_kind ~= 'none' and (fence_kind ~= 'string' or integer_of(redis.call('GET', KEYS[3])) == nil) then
  return {'blocked', 'the fence counter ' .. KEYS[3] .. ' is not an integer'}
end
local token = redis.call('INCR', KEYS[3])
tries = tries + 1
redis.call('HSET', key, 'status', 'processing', 'worker', ARGV[2], 'fence', tostring(token), 'attempts',
           tostring(tries), 'started_at', now, 'updated_at', now, 'progress', '0')
redis.call('HDEL', key, 'error', 'finished_at', 'consumer_errors', 'poster_ref')
index_job(KEYS[5], id, ARGV[6], ARGV[7])
return {'claimed', tostring(token), tostring(tries)}
)lua");

const lua_script progress = script("progress", R"lua(
local fence, status = state_of(KEYS[1])
if fence ~= ARGV[1] or status ~= 'processing' then return 0 end
redis.call('HSET', KEYS[1], 'progress', ARGV[2], 'updated_at', ARGV[3])
for i = 4, #ARGV - 1, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
)lua");

const lua_script complete = script("complete", R"lua(
local key, id, now = KEYS[1], ARGV[2], ARGV[3]
-- The worker is done with this id either way: drop it from its own list.
forget(KEYS[2], id, 0)
local fence, status = state_of(key)
if fence == ARGV[1] and status == 'success' then return {'already'} end
if fence ~= ARGV[1] or status ~= 'processing' then return {'lost'} end

-- Check every consumer before the first write: a bad one is recorded and
-- skipped, and cannot cut the others off.
local triggers, problems, remaining = {}, {}, {}
local consumers = redis.call('HGET', key, 'consumers')
if consumers and consumers ~= '' then
  local ok, list = pcall(cjson.decode, consumers)
  -- A JSON object decodes to a table too, with no list part.
  if not ok or type(list) ~= 'table' or (next(list) ~= nil and #list == 0) then
    table.insert(problems, 'consumers is not a JSON list: ' .. shown(consumers))
    list = {}
  end
  for _, consumer in ipairs(list) do
    local why
    if type(consumer) ~= 'string' or consumer == '' then
      why = shown(cjson.encode(consumer)) .. ' is not a task id'
    else
      local ckey = 'task:' .. consumer
      local kind = type_of(ckey)
      if kind == 'none' then
        why = consumer .. ': there is no ' .. ckey
      elseif kind ~= 'hash' then
        why = consumer .. ': ' .. ckey .. ' is a ' .. kind .. ', not a hash'
      else
        local found = redis.call('HMGET', ckey, 'queue', 'service')
        local count = remaining[consumer] or integer_of(found[1])
        local service = found[2]
        if count == nil then
          why = consumer .. ': queue ' .. shown(found[1] or '') .. ' is not an integer'
        elseif count - 1 == 0 and (not service or service == '') then
          why = consumer .. ': it has no service to queue it for'
        elseif count - 1 == 0 and not pushable('queue:' .. service) then
          why = consumer .. ': queue:' .. service .. ' is a ' .. type_of('queue:' .. service) .. ', not a list'
        else
          remaining[consumer] = count - 1
          table.insert(triggers, {ckey, consumer, count - 1 == 0 and ('queue:' .. service) or nil})
        end
      end
    end
    if why then table.insert(problems, why) end
  end
end

redis.call('HSET', key, 'status', 'success', 'result_ref', ARGV[4], 'updated_at', now, 'finished_at', now,
           'progress', '100', 'duration', ARGV[5], 'file_size', ARGV[6])
-- The files beside the video; a re-run without one drops the older value.
for index, field in ipairs({'poster_ref', 'captions_ref'}) do
  local value = ARGV[6 + index]
  if value and value ~= '' then
    redis.call('HSET', key, field, value)
  else
    redis.call('HDEL', key, field)
  end
end
if #problems > 0 then
  redis.call('HSET', key, 'consumer_errors', table.concat(problems, '; '))
else
  redis.call('HDEL', key, 'consumer_errors')
end
local queued = 0
for _, trigger in ipairs(triggers) do
  redis.call('HINCRBY', trigger[1], 'queue', -1)
  if trigger[3] then
    redis.call('LPUSH', trigger[3], trigger[2])
    queued = queued + 1
  end
end
return {'done', tostring(queued), table.concat(problems, '; ')}
)lua");

const lua_script fail = script("fail", R"lua(
forget(KEYS[2], ARGV[2], 0)
local fence, status = state_of(KEYS[1])
if fence == ARGV[1] and status == 'failed' then return {'already'} end
if fence ~= ARGV[1] or status ~= 'processing' then return {'lost'} end
redis.call('HSET', KEYS[1], 'status', 'failed', 'error', ARGV[4], 'updated_at', ARGV[3], 'finished_at', ARGV[3])
return {'done'}
)lua");

const lua_script release = script("release", R"lua(
if not pushable(KEYS[3]) then return {'refused', KEYS[3] .. ' is a ' .. type_of(KEYS[3]) .. ', not a list'} end
forget(KEYS[2], ARGV[2], 0)
local fence, status = state_of(KEYS[1])
if fence == ARGV[1] and status == 'queued' then return {'already'} end
if fence ~= ARGV[1] or status ~= 'processing' then return {'lost'} end
-- Not a failed attempt: the worker stopped on purpose.
local attempts = integer_of(redis.call('HGET', KEYS[1], 'attempts')) or 1
redis.call('HSET', KEYS[1], 'status', 'queued', 'updated_at', ARGV[3], 'progress', '0',
           'attempts', tostring(math.max(attempts - 1, 0)))
redis.call('HDEL', KEYS[1], 'worker')
redis.call('RPUSH', KEYS[3], ARGV[2])
return {'done'}
)lua");

const lua_script reap = script("reap", requeue + requeue_chunk + R"lua(
if not pushable(KEYS[2]) or not pushable(KEYS[3]) or not pushable(KEYS[4]) then
  return {'refused', 'the queues are not lists'}
end
if type_of(KEYS[1]) ~= 'set' then return {'done', {}} end
local outcomes = {}
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[3] .. ':worker:' .. worker) == 0 then
    local list = ARGV[3] .. ':processing:' .. worker
    if type_of(list) == 'list' then
      for _, id in ipairs(redis.call('LRANGE', list, 0, -1)) do
        table.insert(outcomes, id)
        table.insert(outcomes, requeue(id, worker, ARGV[1], tonumber(ARGV[2]), KEYS[2], KEYS[3]))
      end
    end
    redis.call('DEL', list)
    requeue_chunks(ARGV[3] .. ':chunk-processing:' .. worker, worker, ARGV[1], tonumber(ARGV[2]), KEYS[4], outcomes)
    redis.call('SREM', KEYS[1], worker)
  end
end
return {'done', outcomes}
)lua");

const lua_script recover = script("recover", requeue + requeue_chunk + R"lua(
if not pushable(KEYS[2]) or not pushable(KEYS[3]) or not pushable(KEYS[5]) then
  return {'refused', 'the queues are not lists'}
end
local outcomes = {}
if type_of(KEYS[1]) == 'list' then
  for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
    table.insert(outcomes, id)
    table.insert(outcomes, requeue(id, ARGV[3], ARGV[1], tonumber(ARGV[2]), KEYS[2], KEYS[3]))
  end
end
redis.call('DEL', KEYS[1])
requeue_chunks(KEYS[4], ARGV[3], ARGV[1], tonumber(ARGV[2]), KEYS[5], outcomes)
return {'done', outcomes}
)lua");

const lua_script mirror_http_job = script("mirror_http_job", R"lua(
local kind = type_of(KEYS[1])
if kind ~= 'none' and (kind ~= 'hash' or redis.call('HGET', KEYS[1], 'source') ~= 'http') then
  return 0
end
for i = 4, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
index_job(KEYS[2], string.sub(KEYS[1], 6), ARGV[2], ARGV[3])
return 1
)lua");

} // namespace vs::redis::scripts

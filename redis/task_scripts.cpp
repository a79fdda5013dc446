#include "redis/task_scripts.hpp"

namespace vs::redis::scripts {

// Scripts touch task:{consumer} and queue:{service} keys they compute
// themselves (PROTOCOL.md's consumer trigger needs them); fine on a single
// Redis, which is what the pipeline uses (not Redis Cluster).

const lua_script claim{"claim", R"lua(
local status = redis.call('HGET', KEYS[1], 'status')
local function skip(reason)
  redis.call('LREM', KEYS[2], 1, ARGV[1])
  return {'skip', reason}
end
if not status then return skip('there is no task hash') end
local service = redis.call('HGET', KEYS[1], 'service')
if service ~= ARGV[4] then return skip('it belongs to ' .. tostring(service)) end
local waiting = tonumber(redis.call('HGET', KEYS[1], 'queue') or '0') or 0
if not (status == 'queued' or (status == 'pending' and waiting <= 0)) then
  return skip('its status is ' .. status)
end
local token = redis.call('INCR', KEYS[3])
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'status', 'processing', 'worker', ARGV[2], 'fence', tostring(token),
           'started_at', ARGV[3], 'updated_at', ARGV[3], 'progress', '0')
redis.call('HDEL', KEYS[1], 'error', 'finished_at')
return {'claimed', tostring(token), tostring(attempts)}
)lua"};

const lua_script progress{"progress", R"lua(
if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'status') ~= 'processing' then
  return 0
end
redis.call('HSET', KEYS[1], 'progress', ARGV[2], 'updated_at', ARGV[3])
return 1
)lua"};

const lua_script complete{"complete", R"lua(
-- The worker is done with this id either way: drop it from its own list.
redis.call('LREM', KEYS[2], 0, ARGV[2])
if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'status') ~= 'processing' then
  return -1
end
redis.call('HSET', KEYS[1], 'status', 'success', 'result_ref', ARGV[4], 'updated_at', ARGV[3],
           'finished_at', ARGV[3], 'progress', '100', 'duration', ARGV[5], 'file_size', ARGV[6])
local queued = 0
local consumers = redis.call('HGET', KEYS[1], 'consumers')
if consumers and consumers ~= '' then
  local ok, list = pcall(cjson.decode, consumers)
  if ok and type(list) == 'table' then
    for _, consumer in ipairs(list) do
      local key = 'task:' .. tostring(consumer)
      -- A consumer without a hash would be created as {queue: -1}: skip it.
      if redis.call('EXISTS', key) == 1 then
        if redis.call('HINCRBY', key, 'queue', -1) == 0 then
          local service = redis.call('HGET', key, 'service')
          if service then
            redis.call('LPUSH', 'queue:' .. service, tostring(consumer))
            queued = queued + 1
          end
        end
      end
    end
  end
end
return queued
)lua"};

const lua_script fail{"fail", R"lua(
redis.call('LREM', KEYS[2], 0, ARGV[2])
if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'status') ~= 'processing' then
  return 0
end
redis.call('HSET', KEYS[1], 'status', 'failed', 'error', ARGV[4], 'updated_at', ARGV[3], 'finished_at', ARGV[3])
return 1
)lua"};

const lua_script release{"release", R"lua(
redis.call('LREM', KEYS[2], 0, ARGV[2])
if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'status') ~= 'processing' then
  return 0
end
-- Not a failed attempt: the worker stopped on purpose.
redis.call('HINCRBY', KEYS[1], 'attempts', -1)
redis.call('HSET', KEYS[1], 'status', 'queued', 'updated_at', ARGV[3], 'progress', '0')
redis.call('HDEL', KEYS[1], 'worker')
redis.call('RPUSH', KEYS[3], ARGV[2])
return 1
)lua"};

const lua_script reap{"reap", R"lua(
local outcomes = {}
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[3] .. ':worker:' .. worker) == 0 then
    local list = ARGV[3] .. ':processing:' .. worker
    for _, id in ipairs(redis.call('LRANGE', list, 0, -1)) do
      local key = 'task:' .. id
      local status = redis.call('HGET', key, 'status')
      local owner = redis.call('HGET', key, 'worker')
      local outcome = 'dropped'
      if status == 'processing' and owner == worker then
        local attempts = tonumber(redis.call('HGET', key, 'attempts') or '0') or 0
        if attempts >= tonumber(ARGV[2]) then
          redis.call('HSET', key, 'status', 'failed', 'updated_at', ARGV[1], 'finished_at', ARGV[1],
                     'error', 'gave up after ' .. attempts .. ' attempts: each worker that claimed it stopped (killed or lost) before finishing')
          redis.call('LPUSH', KEYS[3], id)
          outcome = 'dead'
        else
          redis.call('HSET', key, 'status', 'queued', 'updated_at', ARGV[1], 'progress', '0')
          redis.call('HDEL', key, 'worker')
          redis.call('RPUSH', KEYS[2], id)
          outcome = 'requeued'
        end
      elseif status == 'queued' or status == 'pending' then
        -- Taken off the queue but never claimed: put it back.
        redis.call('RPUSH', KEYS[2], id)
        outcome = 'requeued'
      end
      table.insert(outcomes, id)
      table.insert(outcomes, outcome)
    end
    redis.call('DEL', list)
    redis.call('SREM', KEYS[1], worker)
  end
end
return outcomes
)lua"};

const lua_script mirror_http_job{"mirror_http_job", R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 and redis.call('HGET', KEYS[1], 'source') ~= 'http' then
  return 0
end
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
)lua"};

} // namespace vs::redis::scripts

#include "redis/admin_scripts.hpp"

#include "redis/task_scripts.hpp"

namespace vs::redis::scripts {

const lua_script queue_overview = script("queue_overview", R"lua(
local function length_of(key)
  local kind = type_of(key)
  if kind == 'none' then return 0 end
  if kind ~= 'list' then return nil, key .. ' is a ' .. kind .. ', not a list' end
  return redis.call('LLEN', key)
end
local lengths = {}
for index = 2, 4 do
  local length, why = length_of(KEYS[index])
  if not length then return {'refused', why} end
  lengths[index] = length
end
local workers_kind = type_of(KEYS[1])
if workers_kind ~= 'none' and workers_kind ~= 'set' then
  return {'refused', KEYS[1] .. ' is a ' .. workers_kind .. ', not a set'}
end
local prefix, shown_ids = ARGV[1], tonumber(ARGV[2])
local workers = {}
local ids = workers_kind == 'set' and redis.call('SMEMBERS', KEYS[1]) or {}
table.sort(ids)
for _, worker in ipairs(ids) do
  local heartbeat = prefix .. ':worker:' .. worker
  local beat = ''
  if type_of(heartbeat) == 'string' then beat = redis.call('GET', heartbeat) end
  local list, chunk_list = prefix .. ':processing:' .. worker, prefix .. ':chunk-processing:' .. worker
  local tasks, chunks = {}, {}
  local task_count, chunk_count = 0, 0
  if type_of(list) == 'list' then
    task_count = redis.call('LLEN', list)
    -- Oldest first: the list is pushed on the left.
    for _, id in ipairs(redis.call('LRANGE', list, -shown_ids, -1)) do
      local status, progress = '', ''
      if type_of('task:' .. id) == 'hash' then
        local found = redis.call('HMGET', 'task:' .. id, 'status', 'progress')
        status, progress = found[1] or '', found[2] or ''
      end
      table.insert(tasks, 1, progress)
      table.insert(tasks, 1, status)
      table.insert(tasks, 1, id)
    end
  end
  if type_of(chunk_list) == 'list' then
    chunk_count = redis.call('LLEN', chunk_list)
    for _, id in ipairs(redis.call('LRANGE', chunk_list, -shown_ids, -1)) do table.insert(chunks, 1, id) end
  end
  table.insert(workers, {worker, redis.call('PTTL', heartbeat), beat, task_count, chunk_count, tasks, chunks})
end
return {'done', lengths[2], lengths[3], lengths[4], workers}
)lua");

const lua_script dead_letters = script("dead_letters", R"lua(
local kind = type_of(KEYS[1])
if kind == 'none' then return {'done', 0, {}} end
if kind ~= 'list' then return {'refused', KEYS[1] .. ' is a ' .. kind .. ', not a list'} end
local entries = {}
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)) do
  local key = 'task:' .. id
  table.insert(entries, id)
  if type_of(key) == 'hash' then
    table.insert(entries, '1')
    for _, value in ipairs(redis.call('HMGET', key, 'name', 'status', 'error', 'attempts', 'updated_at')) do
      table.insert(entries, value or '')
    end
  else
    table.insert(entries, '0')
    for _ = 1, 5 do table.insert(entries, '') end
  end
end
return {'done', redis.call('LLEN', KEYS[1]), entries}
)lua");

const lua_script requeue_dead = script("requeue_dead", R"lua(
local dead, queue, key, id, now = KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2]
if type_of(dead) ~= 'list' or not redis.call('LPOS', dead, id) then return {'absent'} end
if not pushable(queue) then return {'refused', queue .. ' is a ' .. type_of(queue) .. ', not a list'} end
local kind = type_of(key)
if kind == 'none' then return {'gone', 'there is no ' .. key} end
if kind ~= 'hash' then return {'gone', key .. ' is a ' .. kind .. ', not a hash'} end
local found = redis.call('HMGET', key, 'status', 'worker')
if found[1] == 'processing' then
  return {'busy', 'worker ' .. (found[2] or '?') .. ' is rendering it now'}
end
redis.call('HSET', key, 'status', 'queued', 'attempts', '0', 'progress', '0', 'updated_at', now)
redis.call('HDEL', key, 'error', 'finished_at', 'worker', 'consumer_errors')
redis.call('LREM', dead, 0, id)
push_once(queue, id)
return {'done'}
)lua");

} // namespace vs::redis::scripts

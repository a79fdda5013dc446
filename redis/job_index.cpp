#include "redis/job_index.hpp"

#include "redis/task_keys.hpp"
#include "redis/task_snapshot.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace vs::redis {

namespace {

/// {id, score, {field, value, ...}} for the newest ARGV[1] ids of KEYS[1];
/// ARGV[2] is the task key prefix. An index of another type lists nothing.
/// A `params` longer than ARGV[3] bytes (inline captions text can be a
/// megabyte) is left out: a list polled every second must not copy it, so
/// such a job is listed with the default resolution and fps (GET /jobs/{id}
/// reads it whole).
const lua_script newest = {"newest_jobs", R"lua(
if redis.call('TYPE', KEYS[1])['ok'] ~= 'zset' then return {} end
local listed = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
local out = {}
for i = 1, #listed, 2 do
  local key = ARGV[2] .. listed[i]
  local fields = {}
  if redis.call('TYPE', key)['ok'] == 'hash' then
    if redis.call('HSTRLEN', key, 'params') > tonumber(ARGV[3]) then
      local names = {}
      for _, name in ipairs(redis.call('HKEYS', key)) do
        if name ~= 'params' then table.insert(names, name) end
      end
      if #names > 0 then
        local values = redis.call('HMGET', key, unpack(names))
        for n = 1, #names do
          table.insert(fields, names[n])
          table.insert(fields, values[n])
        end
      end
    else
      fields = redis.call('HGETALL', key)
    end
  end
  table.insert(out, {listed[i], listed[i + 1], fields})
end
return out
)lua"};

/// See `newest`: the largest params a listed job keeps.
constexpr int listed_params_bytes = 64 * 1024;

} // namespace

expected<std::vector<indexed_job>> newest_jobs(redis_client& client, size_t count) {
  std::vector<indexed_job> jobs;
  if (count == 0)
    return jobs;
  auto reply = client.eval(newest, {job_index_key()}, {std::to_string(count), task_key(""), std::to_string(listed_params_bytes)});
  if (!reply)
    return reply.error();
  for (const auto& entry : reply->elements) {
    if (entry.elements.size() != 3)
      return make_error(errc::internal, "script newest_jobs: unexpected answer");
    indexed_job job;
    job.id = entry.elements[0].as_text();
    job.listed_ms = static_cast<int64_t>(std::strtod(entry.elements[1].as_text().c_str(), nullptr));
    const auto& flat = entry.elements[2].elements;
    for (size_t i = 0; i + 1 < flat.size(); i += 2)
      job.fields[flat[i].as_text()] = flat[i + 1].as_text();
    jobs.push_back(std::move(job));
  }
  return jobs;
}

std::vector<jobs::job_snapshot> merge_recent(std::vector<jobs::job_snapshot> local,
                                             const std::vector<indexed_job>& shared, const jobs::job_query& query) {
  // Ordered by when the service took each job on: a local job's admission,
  // an indexed one's listing (a pipeline task's own created_at may be far older).
  std::vector<std::pair<int64_t, jobs::job_snapshot>> merged;
  std::set<std::string> seen;
  for (auto& job : local) {
    seen.insert(job.id);
    merged.emplace_back(job.created_at_ms, std::move(job));
  }
  for (const auto& entry : shared) {
    if (entry.fields.empty() || field_of(entry.fields, "service") != service_name || !seen.insert(entry.id).second)
      continue;
    jobs::job_snapshot job = snapshot_from_task(entry.id, entry.fields);
    if (query.state && job.state != *query.state)
      continue;
    merged.emplace_back(entry.listed_ms, std::move(job));
  }
  std::stable_sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<jobs::job_snapshot> newest;
  for (size_t i = 0; i < merged.size() && i < query.limit; ++i)
    newest.push_back(std::move(merged[i].second));
  return newest;
}

} // namespace vs::redis

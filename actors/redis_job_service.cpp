#include "actors/redis_job_service.hpp"

#include "redis/job_index.hpp"
#include "redis/task_keys.hpp"
#include "redis/task_queue.hpp"
#include "redis/task_snapshot.hpp"

#include <algorithm>

namespace vs::actors {

redis_job_service::redis_job_service(jobs::job_service& local, const redis::redis_endpoint& endpoint,
                                     std::shared_ptr<redis_health> health)
    : local_(local), health_(std::move(health)), client_(endpoint), admin_(endpoint) {}

expected<std::map<std::string, std::string>> redis_job_service::find_task(const std::string& id) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto fields = redis::read_task(client_, id);
  if (!fields)
    return fields.error();
  if (!fields->has_value())
    return make_error(errc::not_found, "no task " + id + " in Redis");
  return std::move(**fields);
}

expected<jobs::job_snapshot> redis_job_service::find(const std::string& id) {
  auto local = local_.find(id);
  if (local || local.error().code != errc::not_found)
    return local;
  auto task = find_task(id);
  if (!task)
    return task.error().code == errc::not_found ? local.error() : task.error();
  // Only our own tasks are jobs; other services' tasks are under /tasks/{id}.
  if (redis::field_of(*task, "service") != redis::service_name)
    return local.error();
  return redis::snapshot_from_task(id, *task);
}

std::vector<jobs::job_snapshot> redis_job_service::recent(const jobs::job_query& query) {
  // With a state filter the newest `limit` may hold none of that state: read further back.
  constexpr size_t filtered_reach = 1000;
  auto local = local_.recent(query);
  expected<std::vector<redis::indexed_job>> shared = std::vector<redis::indexed_job>{};
  {
    std::lock_guard<std::mutex> guard(mutex_);
    shared = redis::newest_jobs(client_, query.state ? std::max(query.limit, filtered_reach) : query.limit);
  }
  if (!shared)
    return local;
  return redis::merge_recent(std::move(local), *shared, query);
}

status redis_job_service::cancel(const std::string& id) {
  auto cancelled = local_.cancel(id);
  if (cancelled || cancelled.error().code != errc::not_found)
    return cancelled;
  if (auto remote = find(id); remote)
    return make_error(errc::conflict,
                      "job " + id + " runs on another worker (" + jobs::to_string(remote->state) + "); cancel it there");
  return cancelled;
}

jobs::service_stats redis_job_service::stats() {
  auto stats = local_.stats();
  stats.redis_state = health_->up.load() ? "up" : "down";
  return stats;
}

} // namespace vs::actors

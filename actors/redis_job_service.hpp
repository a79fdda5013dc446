#pragma once
/// The job service as a Redis worker shows it: the local job system first,
/// then Redis, so a status poll for a job that ran on another worker (or a
/// Redis task) still answers, and the job list is the whole cluster's;
/// /health reports whether Redis is reachable.
/// Plain C++; safe to call from many HTTP threads.

#include "actors/redis_settings.hpp"
#include "jobs/job_service.hpp"
#include "redis/queue_admin.hpp"
#include "redis/redis_client.hpp"

#include <memory>
#include <mutex>

namespace vs::actors {

class redis_job_service final : public jobs::job_service {
public:
  redis_job_service(jobs::job_service& local, const redis::redis_endpoint& endpoint,
                    std::shared_ptr<redis_health> health);

  expected<std::string> submit(media::render_spec spec) override { return local_.submit(std::move(spec)); }
  expected<jobs::job_snapshot> find(const std::string& id) override;
  using jobs::job_service::recent;
  /// Every worker's jobs (the job index in Redis) with this process's own
  /// in place of their Redis copies; this process's alone while Redis is away.
  std::vector<jobs::job_snapshot> recent(const jobs::job_query& query) override;
  status cancel(const std::string& id) override;
  expected<jobs::job_snapshot> wait(const std::string& id, std::chrono::milliseconds timeout) override {
    return local_.wait(id, timeout);
  }
  jobs::service_stats stats() override;
  expected<std::map<std::string, std::string>> find_task(const std::string& id) override;
  jobs::queue_admin* admin() override { return &admin_; }

private:
  jobs::job_service& local_;
  std::shared_ptr<redis_health> health_;
  std::mutex mutex_;                    ///< one request at a time on the connection
  redis::redis_client client_;
  redis::redis_queue_admin admin_;  ///< a connection of its own: dashboard polls do not wait on job lookups
};

} // namespace vs::actors

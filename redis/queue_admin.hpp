#pragma once
/// jobs::queue_admin on Redis: the depths of the shared queues, the
/// registered workers with their leases and lists, the dead-letter queue and
/// requeueing from it. Its own connection; safe to call from many HTTP
/// threads (one request at a time on the connection).

#include "jobs/queue_admin.hpp"
#include "redis/redis_client.hpp"

#include <mutex>

namespace vs::redis {

class redis_queue_admin final : public jobs::queue_admin {
public:
  explicit redis_queue_admin(const redis_endpoint& endpoint) : client_(endpoint) {}

  expected<jobs::queue_depths> depths() override;
  expected<std::vector<jobs::worker_view>> workers() override;
  expected<jobs::dead_letter_page> dead_letters(size_t limit) override;
  status requeue_dead(const std::string& id) override;

private:
  struct overview {
    jobs::queue_depths depths;
    std::vector<jobs::worker_view> workers;
  };
  expected<overview> read_overview();

  std::mutex mutex_;
  redis_client client_;
};

} // namespace vs::redis

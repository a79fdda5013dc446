#pragma once
/// Lease keeper: keeps this worker's heartbeat alive and, like every worker,
/// reaps the processing lists of workers whose heartbeat expired.

#include "actors/actors.hpp"
#include "actors/redis_settings.hpp"
#include "redis/task_queue.hpp"

#include <memory>

namespace vs::actors {

struct lease_keeper_state {
  lease_keeper_state() = default;
  static inline const char* name = "lease_keeper";

  std::unique_ptr<redis::worker_connection> redis;
  redis_worker_config config;
  std::shared_ptr<redis_health> health;
  bool stopped = false;
};

lease_keeper_actor::behavior_type lease_keeper(lease_keeper_actor::stateful_pointer<lease_keeper_state> self,
                                               redis_worker_config config, std::shared_ptr<redis_health> health);

} // namespace vs::actors

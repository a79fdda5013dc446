#pragma once
/// Redis intake: the reliable pop-and-claim loop of one worker.

#include "actors/actors.hpp"
#include "actors/redis_settings.hpp"
#include "redis/task_queue.hpp"

#include <deque>
#include <memory>
#include <set>
#include <string>

namespace vs::actors {

struct redis_intake_state {
  redis_intake_state() = default;
  static inline const char* name = "redis_intake";

  std::unique_ptr<redis::worker_connection> redis;
  redis_worker_config config;
  std::shared_ptr<redis_health> health;
  dependency_resolver_actor resolver;
  std::set<std::string> checking;   ///< claimed, dependencies not yet known
  std::set<std::string> waiting;    ///< claimed, waiting for dependencies
  std::set<std::string> running;    ///< handed to the coordinator
  std::deque<std::string> unclaimed;  ///< popped, but the claim failed on a Redis error
  bool stopped = false;
  bool redis_was_down = false;
};

redis_intake_actor::behavior_type redis_intake(redis_intake_actor::stateful_pointer<redis_intake_state> self,
                                               redis_worker_config config, std::shared_ptr<redis_health> health,
                                               dependency_resolver_actor resolver);

} // namespace vs::actors

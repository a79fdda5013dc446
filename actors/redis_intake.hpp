#pragma once
/// Redis intake: the reliable pop-and-claim loop of one worker.
///
/// Every id it moves into the worker's processing list is either claimed
/// and handed on, or leaves the list again at once (skipped, or rejected
/// as malformed): one bad entry never holds the loop. When Redis fails
/// mid-call the answer is lost but the call may have happened (the id moved,
/// the task claimed), so the next poll first looks in the processing list
/// for ids it does not know and claims them with `resume`. It also looks
/// once per lease anyway: a Redis that lost its last writes (a restart, a
/// failover) can put back an id whose completion this worker had made.

#include "actors/actors.hpp"
#include "actors/redis_settings.hpp"
#include "redis/chunk_queue.hpp"
#include "redis/task_queue.hpp"

#include <chrono>
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
  std::set<std::string> running;    ///< handed to the coordinator, or chunks being rendered
  /// The chunk queue on the same connection (when chunking is on).
  std::unique_ptr<redis::chunk_queue> chunks;
  /// Raised at shutdown: chunk renders hand their chunks back.
  cancel_flag chunk_stop = std::make_shared<std::atomic<bool>>(false);
  bool recovered = false;         ///< what an earlier process with our id left in our list went back
  bool reconcile = false;         ///< a pop or claim lost its answer: look for unknown ids in our list
  std::chrono::steady_clock::time_point last_reconcile = std::chrono::steady_clock::now();
  bool waiting_for_room = false;  ///< the loop pauses until a task leaves
  bool stopped = false;
  bool redis_was_down = false;
};

redis_intake_actor::behavior_type redis_intake(redis_intake_actor::stateful_pointer<redis_intake_state> self,
                                               redis_worker_config config, std::shared_ptr<redis_health> health,
                                               dependency_resolver_actor resolver);

} // namespace vs::actors

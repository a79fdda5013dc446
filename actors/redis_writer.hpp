#pragma once
/// Redis writer: mirrors job state into `task:{id}` hashes. Redis tasks get
/// fenced writes (a worker that lost its lease changes nothing); HTTP jobs
/// get a hash of their own so any worker can answer a status poll. Writes
/// that fail because Redis is away are kept, in order, and retried.

#include "actors/actors.hpp"
#include "actors/redis_settings.hpp"
#include "redis/task_queue.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace vs::actors {

/// One state change to make in Redis. Returns false while Redis is
/// unreachable (keep it and retry), true once it is done with.
using redis_write = std::function<bool(redis::task_queue&)>;

struct redis_writer_state {
  redis_writer_state() = default;
  static inline const char* name = "redis_writer";

  std::unique_ptr<redis::worker_connection> redis;
  std::shared_ptr<redis_health> health;
  job_coordinator_actor coordinator;
  redis_intake_actor intake;
  std::map<std::string, claimed_task> leases;   ///< Redis tasks this worker runs
  std::map<std::string, std::chrono::steady_clock::time_point> last_progress;
  std::deque<redis_write> pending;              ///< in order; the front is retried first
  bool retry_scheduled = false;
  bool shutting_down = false;
};

redis_writer_actor::behavior_type redis_writer(redis_writer_actor::stateful_pointer<redis_writer_state> self,
                                               redis_worker_config config, std::shared_ptr<redis_health> health,
                                               job_coordinator_actor coordinator);

} // namespace vs::actors

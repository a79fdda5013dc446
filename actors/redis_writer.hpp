#pragma once
/// Redis writer: mirrors job state into `task:{id}` hashes. Redis tasks get
/// fenced writes (a worker that lost its lease changes nothing); HTTP jobs
/// get a hash of their own so any worker can answer a status poll.
///
/// A final write is kept, in order, and retried until it lands or Redis
/// says the lease is lost, as long as Redis fails in a way that passes (a
/// lost connection, BUSY, LOADING, READONLY, ...). One that Redis refuses
/// for good goes to its fallbacks: a success or failure that cannot be
/// recorded fails the task naming why, and if even that is refused, the id
/// is parked on the dead queue and leaves this worker's processing list, so
/// a live worker never sits on a task it no longer works on. The intake
/// hears that a task is done only once its final write is settled.

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

/// One way to make a state change in Redis; `previous_error` is why the
/// step before it (if any) was refused.
using write_step =
  std::function<expected<redis::write_result>(redis::task_queue&, const std::string& previous_error)>;

/// A state change to make: its step, then the fallbacks tried in turn when
/// Redis refuses one for good.
struct pending_write {
  std::string id;
  std::deque<std::pair<std::string, write_step>> steps;  ///< what it writes ("success"), how
  bool redis_task = false;      ///< tell the intake once settled
  std::string last_error;       ///< why the previous step was refused
  int transient_failures = 0;   ///< for the log
  std::function<void()> on_recorded;  ///< once its first step is recorded (not a fallback)
};

struct redis_writer_state {
  redis_writer_state() = default;
  static inline const char* name = "redis_writer";

  std::unique_ptr<redis::worker_connection> redis;
  std::shared_ptr<redis_health> health;
  job_coordinator_actor coordinator;
  redis_intake_actor intake;
  std::map<std::string, claimed_task> leases;   ///< Redis tasks this worker runs
  std::map<std::string, std::chrono::steady_clock::time_point> last_progress;
  std::deque<pending_write> pending;            ///< in order; the front is retried first
  bool retry_scheduled = false;
  bool shutting_down = false;
  std::function<void(const jobs::job_snapshot&)> on_task_final;  ///< redis_worker_config's
};

redis_writer_actor::behavior_type redis_writer(redis_writer_actor::stateful_pointer<redis_writer_state> self,
                                               redis_worker_config config, std::shared_ptr<redis_health> health,
                                               job_coordinator_actor coordinator);

} // namespace vs::actors

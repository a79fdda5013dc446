#pragma once
/// What the dashboard and an operator see of the shared Redis queues: their
/// depths, the workers and what each holds, the dead-letter queue, and
/// putting a dead task back. Plain C++: redis/queue_admin implements it for
/// a Redis worker; a standalone service has no shared queues (none).

#include "media/error.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vs::jobs {

/// Lengths of the lists in Redis (PROTOCOL.md's queue and the service's own).
struct queue_depths {
  int64_t tasks_queued = 0;       ///< queue:video-service
  int64_t tasks_processing = 0;   ///< ids in every registered worker's processing list
  int64_t chunks_queued = 0;      ///< the chunk queue of chunked jobs
  int64_t chunks_processing = 0;  ///< chunk ids in every registered worker's chunk list
  int64_t dead = 0;               ///< the dead-letter queue
};

/// A task a worker took off the queue and has not finished.
struct worker_task {
  std::string id;
  std::string status;   ///< the task's status ("" when its hash is gone)
  double progress = 0;  ///< 0..1, from the task's `progress` percent
};

/// A worker registered in Redis. One whose heartbeat expired stays listed
/// until a reaper (any worker) hands its tasks back.
struct worker_view {
  std::string id;
  bool alive = false;              ///< its heartbeat key exists
  int64_t lease_ms_left = 0;       ///< the heartbeat's remaining TTL; 0 when gone
  std::string heartbeat_at;        ///< the last renewal, local time as task hashes spell it
  std::vector<worker_task> tasks;  ///< its processing list, oldest first
  std::vector<std::string> chunks; ///< its chunk list, oldest first
};

/// One id on the dead-letter queue, with what its task hash says.
struct dead_letter {
  std::string id;
  bool has_task = false;   ///< false: task:{id} is gone (or is no hash)
  std::string name;
  std::string status;
  std::string error;
  std::string attempts;
  std::string updated_at;
};

struct dead_letter_page {
  int64_t total = 0;                 ///< ids on the queue
  std::vector<dead_letter> entries;  ///< newest first, at most the limit asked for
};

class queue_admin {
public:
  virtual ~queue_admin() = default;
  virtual expected<queue_depths> depths() = 0;
  virtual expected<std::vector<worker_view>> workers() = 0;
  virtual expected<dead_letter_page> dead_letters(size_t limit) = 0;
  /// Takes `id` off the dead-letter queue and queues its task again with
  /// its attempts reset; errc::not_found if `id` is not on the dead-letter
  /// queue, errc::conflict if its task hash is gone.
  virtual status requeue_dead(const std::string& id) = 0;
};

} // namespace vs::jobs

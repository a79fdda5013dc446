#pragma once
/// Settings and shared health flag of the Redis worker. No CAF in here.

#include "actors/chunk_work.hpp"
#include "jobs/job_service.hpp"
#include "redis/redis_client.hpp"
#include "redis/redis_endpoint.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vs::actors {

struct redis_worker_config {
  redis::redis_endpoint endpoint;
  std::string worker_id;                        ///< unique per process; default host-pid
  std::string output_dir = "/app/output";       ///< relative result_refs resolve here
  /// MEDIA_ROOTS: where inputs named by tasks may lie (with OUTPUT_DIR/voice
  /// and OUTPUT_DIR/images); empty: OUTPUT_DIR.
  std::vector<std::string> media_roots;
  int max_jobs = 1;                             ///< claimed, renderable tasks at once (= MAX_CONCURRENT_JOBS)
  int max_waiting = 64;                         ///< claimed tasks waiting for dependencies at once
  std::chrono::milliseconds lease{15'000};      ///< heartbeat TTL; renewed every lease/3
  int max_attempts = 3;                         ///< claims before a task goes to the dead queue
  std::chrono::milliseconds dependency_timeout{600'000};
  std::chrono::milliseconds poll_block{1'000};  ///< BLMOVE block per poll
  /// Set when CHUNK_SECONDS > 0: with room, chunks are taken before new tasks.
  std::optional<chunk_settings> chunking;
  /// Called (on the writer's thread; it must return at once) with a Redis
  /// task's final snapshot once this worker recorded that end in Redis: not
  /// for a task handed back at shutdown nor one another worker took over.
  std::function<void(const jobs::job_snapshot&)> on_task_final;
};

/// Whether the last Redis operation of any Redis actor reached Redis;
/// /health reads it. An error reply about the data (a malformed task) is
/// Redis up; only a dead connection or a "not now" reply (BUSY, LOADING,
/// ...) is Redis down.
struct redis_health {
  std::atomic<bool> up{false};
  void report(bool ok) { up.store(ok, std::memory_order_relaxed); }
  template <class T>
  void report(const expected<T>& result) {
    report(result || !redis::is_transient(result.error()));
  }
};

} // namespace vs::actors

#pragma once
/// The Redis worker: intake, dependency resolver, writer and lease keeper
/// around a running job system. No CAF in this header.

#include "actors/job_service_facade.hpp"
#include "actors/redis_settings.hpp"

#include <chrono>
#include <memory>

namespace vs::actors {

class redis_worker {
public:
  virtual ~redis_worker() = default;

  /// The job system's service, answering from Redis for jobs it does not
  /// know, with Redis state in /health.
  virtual jobs::job_service& service() = 0;

  /// Clean exit: stop taking tasks, hand waiting ones back, shut the job
  /// system down with `grace` (running tasks finish or go back on the
  /// queue), flush state writes, retire the heartbeat. Returns how many
  /// jobs were cancelled.
  virtual int64_t stop(std::chrono::milliseconds grace) = 0;
};

/// A worker id unique per process: host name and pid.
std::string default_worker_id();

/// Spawns the Redis actors in `system`'s actor system. Redis need not be up:
/// the actors retry until it is. Warns if Redis may evict task hashes.
std::unique_ptr<redis_worker> start_redis_worker(job_system& system, redis_worker_config config);

} // namespace vs::actors

#pragma once
/// Dependency resolver: waits for a claimed task's voice track and slides,
/// then submits the job to the coordinator.

#include "actors/actors.hpp"
#include "actors/redis_settings.hpp"
#include "redis/input_roots.hpp"
#include "redis/task_queue.hpp"

#include <map>
#include <memory>
#include <string>

namespace vs::actors {

struct dependency_resolver_state {
  dependency_resolver_state() = default;
  static inline const char* name = "dependency_resolver";

  std::unique_ptr<redis::worker_connection> redis;
  redis_worker_config config;
  std::unique_ptr<redis::input_roots> roots;    ///< where a task's input files may lie
  std::shared_ptr<redis_health> health;
  job_coordinator_actor coordinator;
  redis_writer_actor writer;
  redis_intake_actor intake;
  std::map<std::string, claimed_task> waiting;  ///< tasks between checks
  bool stopped = false;
};

/// The intake arrives with `atom::start` (it is spawned after the resolver).
dependency_resolver_actor::behavior_type
dependency_resolver(dependency_resolver_actor::stateful_pointer<dependency_resolver_state> self,
                    redis_worker_config config, std::shared_ptr<redis_health> health,
                    job_coordinator_actor coordinator, redis_writer_actor writer);

} // namespace vs::actors

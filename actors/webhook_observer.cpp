#include "actors/webhook_observer.hpp"

#include "actors/job_coordinator.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

namespace vs::actors {

namespace {

job_observer_actor::behavior_type final_job_observer(job_observer_actor::pointer,
                                                     std::function<void(const api::job_snapshot&)> on_final,
                                                     bool skip_redis_tasks) {
  return {
    [on_final, skip_redis_tasks](atom::state, const api::job_snapshot& job) {
      if (api::is_final(job.state) && !(skip_redis_tasks && job.source == "redis"))
        on_final(job);
    },
  };
}

} // namespace

void observe_final_jobs(job_system& system, std::function<void(const api::job_snapshot&)> on_final,
                        bool skip_redis_tasks) {
  auto observer = actor_system_of(system).spawn(final_job_observer, std::move(on_final), skip_redis_tasks);
  caf::anon_send(coordinator_of(system), atom::observe_v, observer);
}

} // namespace vs::actors

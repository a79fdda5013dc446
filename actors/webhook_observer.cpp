#include "actors/webhook_observer.hpp"

#include "actors/job_coordinator.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <spdlog/spdlog.h>

namespace vs::actors {

namespace {

final_job_observer_actor::behavior_type final_job_observer(final_job_observer_actor::pointer,
                                                           std::function<void(const jobs::job_snapshot&)> on_final,
                                                           bool skip_redis_tasks) {
  return {
    [on_final, skip_redis_tasks](atom::state, const jobs::job_snapshot& job) {
      if (jobs::is_final(job.state) && !(skip_redis_tasks && job.source == "redis"))
        on_final(job);
    },
    // The mailbox is FIFO: what the coordinator sent before the caller
    // asked has been handled when this answers.
    [](atom::flush) { return true; },
  };
}

} // namespace

std::function<void()> observe_final_jobs(job_system& system,
                                         std::function<void(const jobs::job_snapshot&)> on_final,
                                         bool skip_redis_tasks) {
  auto& actors = actor_system_of(system);
  auto observer = actors.spawn(final_job_observer, std::move(on_final), skip_redis_tasks);
  caf::anon_send(coordinator_of(system), atom::observe_v, job_observer_actor{observer});
  // A weak handle: an idle actor held from outside would keep the actor
  // system's shutdown waiting for it.
  return [&actors, address = observer.address()] {
    auto still_there = caf::actor_cast<final_job_observer_actor>(address);
    if (!still_there)
      return;
    caf::scoped_actor self{actors};
    self->request(still_there, std::chrono::seconds(10), atom::flush_v)
      .receive([](bool) {},
               [](caf::error&) { spdlog::warn("webhooks: the final job states could not be flushed in time"); });
  };
}

} // namespace vs::actors

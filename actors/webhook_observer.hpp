#pragma once
/// Hands every job that reaches a final state to the webhooks (or anything
/// else that wants to hear of it) without CAF in the caller. No CAF here.

#include "actors/job_service_facade.hpp"
#include "jobs/job_service.hpp"

#include <functional>

namespace vs::actors {

/// Calls `on_final` with the final snapshot of each job of `system`, on an
/// actor thread: it must return at once. With `skip_redis_tasks`, Redis
/// tasks are left out: their end counts once the Redis writer has recorded
/// it (redis_worker_config::on_task_final), since a task cancelled at
/// shutdown goes back on the queue and a task whose lease was lost is
/// finished by another worker.
///
/// The returned function (to call while `system` exists) blocks until every
/// final snapshot the coordinator sent before the call has been handed to
/// `on_final`: after a shutdown of the job system, so that the jobs it
/// cancelled are not missed.
std::function<void()> observe_final_jobs(job_system& system,
                                         std::function<void(const jobs::job_snapshot&)> on_final,
                                         bool skip_redis_tasks);

} // namespace vs::actors

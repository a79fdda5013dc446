#pragma once
/// The owner's side of a chunked job as a blocking actor spawned (linked) by
/// the job's runner once the narration fixed the length: plans the chunks,
/// renders chunks while it waits, reports progress (frames done across the
/// chunks) to the coordinator, stitches, and answers the runner with the
/// result or the failure, after the plan and segments are gone.

#include "actors/actors.hpp"
#include "actors/chunk_work.hpp"

#include <caf/blocking_actor.hpp>

namespace vs::actors {

struct chunk_owner_setup {
  chunk_settings settings;
  chunked_job job;
  job_coordinator_actor coordinator;
  job_runner_actor runner;
  cancel_flag cancelled;
};

void chunk_owner(caf::blocking_actor* self, chunk_owner_setup setup);

} // namespace vs::actors

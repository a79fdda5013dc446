#pragma once
/// The blocking first stage of a job, detached and one-shot: read every image
/// header (a bad slide fails the job before any rendering), then decode and
/// encode the narration to AAC. Quits after answering.

#include "actors/actors.hpp"

namespace vs::actors {

struct job_preparer_state {
  job_preparer_state() = default;
  static inline const char* name = "job_preparer";
};

job_preparer_actor::behavior_type job_preparer(job_preparer_actor::stateful_pointer<job_preparer_state> self);

} // namespace vs::actors

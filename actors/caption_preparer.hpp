#pragma once
/// The captions stage of a job, detached and one-shot (a captions file is
/// read, captions text is timed by decoding the narration once more), run
/// beside the job_preparer. Quits after answering.

#include "actors/actors.hpp"

namespace vs::actors {

struct caption_preparer_state {
  caption_preparer_state() = default;
  static inline const char* name = "caption_preparer";
};

caption_preparer_actor::behavior_type
caption_preparer(caption_preparer_actor::stateful_pointer<caption_preparer_state> self);

} // namespace vs::actors

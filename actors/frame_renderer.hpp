#pragma once
/// Frame renderers: detached workers that compose one frame at a time into an
/// encoder-ready buffer, and the pool actor all jobs send their frames to.

#include "actors/actors.hpp"
#include "actors/worker_pool.hpp"

namespace vs::actors {

struct frame_renderer_state {
  frame_renderer_state() = default;
  static inline const char* name = "frame_renderer";

  /// Reused from frame to frame so the hot path does not allocate.
  media::compose_scratch scratch;
};

/// One worker; spawn detached (composing a 1080p frame takes milliseconds).
frame_renderer_actor::behavior_type frame_renderer(frame_renderer_actor::stateful_pointer<frame_renderer_state> self);

struct frame_renderer_pool_state : worker_pool_state<frame_renderer_actor, frame_request, frame_result> {
  frame_renderer_pool_state() = default;
  static inline const char* name = "frame_renderer_pool";
};

/// Spawns `workers` detached renderers linked to itself and dispatches to them.
frame_renderer_actor::behavior_type
frame_renderer_pool(frame_renderer_actor::stateful_pointer<frame_renderer_pool_state> self, int workers);

} // namespace vs::actors

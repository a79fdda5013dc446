#include "actors/frame_renderer.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>

#include <exception>

namespace vs::actors {

frame_renderer_actor::behavior_type frame_renderer(frame_renderer_actor::stateful_pointer<frame_renderer_state> self) {
  return {
    [=](atom::render, frame_request& request) -> caf::result<frame_result> {
      if (request.cancelled && request.cancelled->load(std::memory_order_relaxed))
        return caf_error(errc::cancelled, "the job was cancelled");
      try {
        if (auto writable = request.target->make_writable(); !writable)
          return to_caf(writable.error());
        media::compose_frame(*request.plan, request.frame, *request.first, request.second.get(),
                             request.target->view(), self->state.scratch);
        if (auto painted = media::paint_captions(*request.plan, request.index, request.target->view(),
                                                 self->state.scratch);
            !painted)
          return to_caf(painted.error());
      } catch (const std::exception& e) {
        return caf_error(errc::internal, "rendering frame " + std::to_string(request.index) + " failed: " + e.what());
      }
      return frame_result{request.index, std::move(request.target)};
    },
  };
}

frame_renderer_actor::behavior_type
frame_renderer_pool(frame_renderer_actor::stateful_pointer<frame_renderer_pool_state> self, int workers) {
  for (int i = 0; i < workers; ++i)
    self->state.idle.push_back(self->spawn<caf::detached + caf::linked>(frame_renderer));
  return {
    [=](atom::render, frame_request& request) -> caf::result<frame_result> {
      auto promise = self->make_response_promise<frame_result>();
      self->state.pending.emplace_back(std::move(request), promise);
      dispatch_pending<frame_result>(self, atom::render_v, [](const frame_request& queued) {
        return queued.cancelled && queued.cancelled->load(std::memory_order_relaxed);
      });
      return promise;
    },
  };
}

} // namespace vs::actors

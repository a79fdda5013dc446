#include "actors/image_decoder.hpp"

#include "media/fit_compose.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>

#include <exception>

namespace vs::actors {

image_decoder_actor::behavior_type image_decoder(image_decoder_actor::stateful_pointer<image_decoder_state>) {
  return {
    [=](atom::decode, const decode_request& request) -> caf::result<media::slide_image> {
      try {
        auto decoded = media::decode_image_file(request.path, request.limits, request.roots);
        if (!decoded)
          return to_caf(decoded.error());
        auto working = media::compose_slide(std::move(*decoded), request.size, request.look);
        if (!working)
          return to_caf(working.error());
        return media::slide_image(std::make_shared<const media::yuv_image>(std::move(*working)));
      } catch (const std::exception& e) {
        return caf_error(errc::internal, "preparing image " + request.path + " failed: " + e.what());
      }
    },
  };
}

image_decoder_actor::behavior_type
image_decoder_pool(image_decoder_actor::stateful_pointer<image_decoder_pool_state> self, int workers) {
  for (int i = 0; i < workers; ++i)
    self->state.idle.push_back(self->spawn<caf::detached + caf::linked>(image_decoder));
  return {
    [=](atom::decode, decode_request& request) -> caf::result<media::slide_image> {
      auto promise = self->make_response_promise<media::slide_image>();
      self->state.pending.emplace_back(std::move(request), promise);
      // Decode requests carry no cancel flag: a slide is small work, and the
      // runner ignores answers that arrive after its job ended.
      dispatch_pending<media::slide_image>(self, atom::decode_v, [](const decode_request&) { return false; });
      return promise;
    },
  };
}

} // namespace vs::actors

#include "actors/caption_preparer.hpp"

#include "actors/caf_error.hpp"
#include "media/captions/caption_source.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

namespace vs::actors {

caption_preparer_actor::behavior_type
caption_preparer(caption_preparer_actor::stateful_pointer<caption_preparer_state> self) {
  return {
    [=](atom::prepare, const prepare_request& request) -> caf::result<captions_ptr> {
      self->quit();
      try {
        // Confined to the job's roots, like every input the render opens.
        const media::root_folders roots(request.spec.input_roots);
        auto captions = media::captions::prepare_captions(request.spec, request.limits, roots,
                                                          request.cancelled.get());
        if (!captions)
          return to_caf(captions.error());
        return *captions;
      } catch (const std::exception& e) {
        return caf_error(errc::internal, std::string("preparing the captions failed: ") + e.what());
      }
    },
  };
}

} // namespace vs::actors

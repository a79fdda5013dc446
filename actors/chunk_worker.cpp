#include "actors/chunk_worker.hpp"

#include <spdlog/spdlog.h>

namespace vs::actors {

void chunk_worker(caf::blocking_actor* self, chunk_settings settings, std::string id, cancel_flag stop,
                  redis_intake_actor intake) {
  try {
    redis::redis_client client(settings.endpoint);
    redis::chunk_queue queue(client, settings.worker_id);
    // A chunk whose outcome cannot be written stays in this worker's chunk
    // list: the reaper (or this worker's next start) hands it on.
    if (auto rendered = render_popped_chunk(queue, id, settings, stop.get()); !rendered)
      spdlog::warn("chunk {}: {}", id, rendered.error().message);
  } catch (const std::exception& e) {
    spdlog::error("chunk {}: {}", id, e.what());
  }
  self->send(intake, atom::done_v, id);
}

} // namespace vs::actors

#pragma once
/// Renders one chunk the intake moved into this worker's chunk list, on a
/// connection of its own, then tells the intake it is done (its render
/// slot is free again).

#include "actors/actors.hpp"
#include "actors/chunk_work.hpp"

#include <caf/blocking_actor.hpp>

#include <string>

namespace vs::actors {

void chunk_worker(caf::blocking_actor* self, chunk_settings settings, std::string id, cancel_flag stop,
                  redis_intake_actor intake);

} // namespace vs::actors

#include "actors/lease_keeper.hpp"

#include <spdlog/spdlog.h>

namespace vs::actors {

namespace {

using keeper_ptr = lease_keeper_actor::stateful_pointer<lease_keeper_state>;

void beat(keeper_ptr self) {
  auto& st = self->state;
  if (st.stopped)
    return;
  auto renewed = st.redis->queue().heartbeat(st.config.lease);
  bool was_up = st.health->up.load();
  st.health->report(renewed);
  if (!renewed) {
    if (was_up)
      spdlog::warn("heartbeat: {}", renewed.error().message);
  } else if (auto reaped = st.redis->queue().reap(st.config.max_attempts); !reaped) {
    spdlog::warn("reaper: {}", reaped.error().message);
  } else {
    for (const auto& task : *reaped)
      spdlog::warn("reaper: task {} of a dead worker {}", task.id,
                   task.outcome == "dead" ? "failed after too many attempts (moved to the dead queue)"
                                          : task.outcome == "requeued" ? "went back on the queue"
                                                                       : "was already finished elsewhere");
  }
  // Three beats per lease: one lost beat (a slow Redis) does not expire it.
  self->delayed_send(self, st.config.lease / 3, atom::tick_v);
}

} // namespace

lease_keeper_actor::behavior_type lease_keeper(lease_keeper_actor::stateful_pointer<lease_keeper_state> self,
                                               redis_worker_config config, std::shared_ptr<redis_health> health) {
  auto& st = self->state;
  st.redis = std::make_unique<redis::worker_connection>(config.endpoint, config.worker_id);
  st.config = std::move(config);
  st.health = std::move(health);
  beat(self);
  return {
    [=](atom::tick) { beat(self); },
    [=](atom::shutdown) {
      auto& state = self->state;
      state.stopped = true;
      if (auto retired = state.redis->queue().retire(); !retired)
        spdlog::warn("heartbeat: could not retire worker {}: {}", state.config.worker_id, retired.error().message);
      return true;
    },
  };
}

} // namespace vs::actors

#include "actors/redis_intake.hpp"

#include <spdlog/spdlog.h>

namespace vs::actors {

namespace {

using intake_ptr = redis_intake_actor::stateful_pointer<redis_intake_state>;

/// Room for another task: renderable ones (being checked or handed to the
/// coordinator) stay within max_jobs, so a worker never hoards tasks that
/// another, idle worker could render; tasks waiting on dependencies have
/// their own bound.
bool has_room(const redis_intake_state& st) {
  return static_cast<int>(st.checking.size() + st.running.size()) < st.config.max_jobs &&
         static_cast<int>(st.waiting.size()) < st.config.max_waiting;
}

/// Claims an id already in this worker's processing list. False when Redis
/// failed (the id is kept for the next poll).
bool claim_and_dispatch(intake_ptr self, const std::string& id) {
  auto& st = self->state;
  auto claimed = st.redis->queue().claim(id);
  st.health->report(static_cast<bool>(claimed));
  if (!claimed) {
    spdlog::warn("redis intake: claiming task {} failed: {}; retrying", id, claimed.error().message);
    return false;
  }
  if (!claimed->claimed) {
    spdlog::info("redis intake: skipped task {}: {}", id, claimed->skip_reason);
    return true;
  }
  spdlog::info("redis intake: claimed task {} (attempt {}, fence {})", id, claimed->attempts, claimed->token);
  st.checking.insert(id);
  claimed_task task;
  task.id = id;
  task.token = claimed->token;
  task.attempts = claimed->attempts;
  self->send(st.resolver, atom::resolve_v, std::move(task));
  return true;
}

void poll_once(intake_ptr self) {
  auto& st = self->state;
  if (st.stopped)
    return;
  auto retry_later = [&] { self->delayed_send(self, std::chrono::milliseconds(500), atom::tick_v); };
  // An id popped while Redis then failed is still in our processing list: claim it first.
  if (!st.unclaimed.empty()) {
    if (!claim_and_dispatch(self, st.unclaimed.front()))
      return retry_later();
    st.unclaimed.pop_front();
  }
  if (!has_room(st)) {
    self->delayed_send(self, std::chrono::milliseconds(200), atom::tick_v);
    return;
  }
  auto popped = st.redis->queue().pop(st.config.poll_block);
  st.health->report(static_cast<bool>(popped));
  if (!popped) {
    if (!st.redis_was_down)
      spdlog::warn("redis intake: {}; retrying", popped.error().message);
    st.redis_was_down = true;
    return retry_later();
  }
  if (st.redis_was_down)
    spdlog::info("redis intake: Redis is back");
  st.redis_was_down = false;
  if (popped->has_value() && !claim_and_dispatch(self, **popped)) {
    st.unclaimed.push_back(**popped);
    return retry_later();
  }
  // Loop by messaging itself, so exit and bookkeeping messages get in between polls.
  self->send(self, atom::tick_v);
}

} // namespace

redis_intake_actor::behavior_type redis_intake(redis_intake_actor::stateful_pointer<redis_intake_state> self,
                                               redis_worker_config config, std::shared_ptr<redis_health> health,
                                               dependency_resolver_actor resolver) {
  auto& st = self->state;
  st.redis = std::make_unique<redis::worker_connection>(config.endpoint, config.worker_id);
  st.config = std::move(config);
  st.health = std::move(health);
  st.resolver = std::move(resolver);
  self->send(self, atom::tick_v);
  return {
    [=](atom::tick) { poll_once(self); },
    [=](atom::waiting, const std::string& id) {
      self->state.checking.erase(id);
      self->state.waiting.insert(id);
    },
    [=](atom::running, const std::string& id) {
      self->state.checking.erase(id);
      self->state.waiting.erase(id);
      self->state.running.insert(id);
    },
    [=](atom::done, const std::string& id) {
      self->state.checking.erase(id);
      self->state.waiting.erase(id);
      self->state.running.erase(id);
    },
    [=](atom::shutdown) {
      self->state.stopped = true;
      return true;
    },
  };
}

} // namespace vs::actors

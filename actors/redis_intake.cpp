#include "actors/redis_intake.hpp"

#include "actors/chunk_worker.hpp"
#include "redis/task_keys.hpp"

#include <caf/send.hpp>

#include <spdlog/spdlog.h>

namespace vs::actors {

namespace {

using intake_ptr = redis_intake_actor::stateful_pointer<redis_intake_state>;

/// After a lost connection or a "not now" reply (BUSY, LOADING, ...).
constexpr auto transient_retry = std::chrono::milliseconds(500);
/// After an error retrying soon will not fix (broken keys of our own, no
/// permission): keep trying, but slowly, and say so.
constexpr auto broken_retry = std::chrono::seconds(5);

/// Room for another task: renderable ones (being checked or handed to the
/// coordinator) stay within max_jobs, so a worker never hoards tasks that
/// another, idle worker could render; tasks waiting on dependencies have
/// their own bound.
bool has_room(const redis_intake_state& st) {
  return static_cast<int>(st.checking.size() + st.running.size()) < st.config.max_jobs &&
         static_cast<int>(st.waiting.size()) < st.config.max_waiting;
}

bool holds(const redis_intake_state& st, const std::string& id) {
  return st.checking.count(id) > 0 || st.waiting.count(id) > 0 || st.running.count(id) > 0;
}

void retry_later(intake_ptr self, const error& why) {
  auto& st = self->state;
  bool transient = redis::is_transient(why);
  if (!transient)
    spdlog::error("redis intake: {}; trying again in {} s", why.message, broken_retry.count());
  else if (!st.redis_was_down)
    spdlog::warn("redis intake: {}; retrying", why.message);
  st.redis_was_down = transient;
  self->delayed_send(self, transient ? std::chrono::milliseconds(transient_retry) : broken_retry, atom::tick_v);
}

/// Claims an id already in this worker's processing list and hands it on,
/// or lets it go. An error when Redis failed or refused (the id stays in
/// the list and the list is looked at again).
status claim_and_dispatch(intake_ptr self, const std::string& id, bool resume) {
  auto& st = self->state;
  auto claimed = st.redis->queue().claim(id, resume);
  st.health->report(claimed);
  if (!claimed)
    return make_error(claimed.error().code, "claiming task " + id + " failed: " + claimed.error().message);
  using kind = redis::claim_result::kind;
  switch (claimed->outcome) {
    case kind::skipped:
      spdlog::info("redis intake: skipped task {}: {}", id, claimed->reason);
      return {};
    case kind::rejected:
      spdlog::warn("redis intake: rejected {}; it is on {}", claimed->reason, redis::dead_queue_key());
      return {};
    case kind::blocked:
      return make_error(errc::internal, "cannot claim task " + id + ": " + claimed->reason);
    case kind::claimed:
      break;
  }
  spdlog::info("redis intake: claimed task {} (attempt {}, fence {}{})", id, claimed->attempts, claimed->token,
               resume ? ", resumed from this worker's list" : "");
  st.checking.insert(id);
  claimed_task task;
  task.id = id;
  task.token = claimed->token;
  task.attempts = claimed->attempts;
  self->send(st.resolver, atom::resolve_v, std::move(task));
  return {};
}

/// Puts back what an earlier process with this worker id left in its
/// processing list (a restarted container keeps its host name and pid 1):
/// its heartbeat is ours now, so no reaper would ever free those ids.
status recover_own_list(intake_ptr self) {
  auto& st = self->state;
  auto recovered = st.redis->queue().recover(st.config.max_attempts);
  st.health->report(recovered);
  if (!recovered)
    return recovered.error();
  for (const auto& task : *recovered)
    spdlog::warn("redis intake: task {} left by an earlier run of worker {}: {}", task.id, st.config.worker_id,
                 task.outcome);
  st.recovered = true;
  return {};
}

/// Claims the ids in our processing list that this worker does not know:
/// moved there by a pop, or claimed, in a call whose answer was lost.
status reconcile(intake_ptr self) {
  auto& st = self->state;
  auto ids = st.redis->queue().processing_ids();
  st.health->report(ids);
  if (!ids)
    return ids.error();
  // The list grows at the left: the oldest id is last.
  for (auto id = ids->rbegin(); id != ids->rend(); ++id) {
    if (holds(st, *id))
      continue;
    if (auto claimed = claim_and_dispatch(self, *id, true); !claimed)
      return claimed;
  }
  st.reconcile = false;
  st.last_reconcile = std::chrono::steady_clock::now();
  return {};
}

/// Chunks of started jobs come before new tasks, so started jobs finish
/// first. True when one was taken (a chunk worker renders it).
bool take_chunk(intake_ptr self) {
  auto& st = self->state;
  if (!st.chunks)
    return false;
  auto popped = st.chunks->pop(std::chrono::milliseconds(0));
  st.health->report(popped);
  if (!popped || !popped->has_value())
    return false;
  const std::string id = **popped;
  st.running.insert(id);
  self->spawn<caf::detached>(chunk_worker, *st.config.chunking, id, st.chunk_stop,
                             redis_intake_actor(self));
  return true;
}

void poll_once(intake_ptr self) {
  auto& st = self->state;
  if (st.stopped)
    return;
  if (!st.recovered) {
    if (auto recovered = recover_own_list(self); !recovered)
      return retry_later(self, recovered.error());
  }
  if (st.reconcile || std::chrono::steady_clock::now() - st.last_reconcile >= st.config.lease) {
    if (auto reconciled = reconcile(self); !reconciled)
      return retry_later(self, reconciled.error());
  }
  if (!has_room(st)) {
    // Resumed by the message that frees a place: no polling while full.
    st.waiting_for_room = true;
    return;
  }
  if (take_chunk(self)) {
    self->send(self, atom::tick_v);
    return;
  }
  auto popped = st.redis->queue().pop(st.config.poll_block);
  st.health->report(popped);
  if (!popped) {
    // The id may have moved although the answer was lost.
    st.reconcile = true;
    return retry_later(self, popped.error());
  }
  if (st.redis_was_down)
    spdlog::info("redis intake: Redis is back");
  st.redis_was_down = false;
  if (popped->has_value()) {
    if (auto claimed = claim_and_dispatch(self, **popped, false); !claimed) {
      st.reconcile = true;
      return retry_later(self, claimed.error());
    }
  }
  // Loop by messaging itself, so exit and bookkeeping messages get in between polls.
  self->send(self, atom::tick_v);
}

/// A task left the renderable set: poll at once if the loop waits for room.
void room_may_have_freed(intake_ptr self) {
  auto& st = self->state;
  if (st.waiting_for_room && has_room(st)) {
    st.waiting_for_room = false;
    self->send(self, atom::tick_v);
  }
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
  if (st.config.chunking)
    st.chunks = std::make_unique<redis::chunk_queue>(st.redis->client(), st.config.worker_id);
  self->send(self, atom::tick_v);
  return {
    [=](atom::tick) { poll_once(self); },
    [=](atom::waiting, const std::string& id) {
      self->state.checking.erase(id);
      self->state.waiting.insert(id);
      room_may_have_freed(self);
    },
    [=](atom::running, const std::string& id) {
      self->state.checking.erase(id);
      self->state.waiting.erase(id);
      self->state.running.insert(id);
      room_may_have_freed(self);
    },
    [=](atom::done, const std::string& id) {
      self->state.checking.erase(id);
      self->state.waiting.erase(id);
      self->state.running.erase(id);
      room_may_have_freed(self);
    },
    [=](atom::shutdown) {
      self->state.stopped = true;
      self->state.chunk_stop->store(true);
      return true;
    },
  };
}

} // namespace vs::actors

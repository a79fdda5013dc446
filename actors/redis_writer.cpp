#include "actors/redis_writer.hpp"

#include "redis/task_snapshot.hpp"
#include "redis/task_keys.hpp"

#include <caf/send.hpp>

#include <spdlog/spdlog.h>

#include <thread>

namespace vs::actors {

namespace {

using writer_ptr = redis_writer_actor::stateful_pointer<redis_writer_state>;

constexpr auto progress_interval = std::chrono::seconds(1);
constexpr auto retry_interval = std::chrono::milliseconds(500);
/// HTTP jobs' hashes are only for status polls: they expire.
constexpr std::chrono::seconds http_job_ttl{7 * 24 * 3600};

/// Makes the pending writes in order; stops at the first that needs Redis back.
void drain(writer_ptr self) {
  auto& st = self->state;
  while (!st.pending.empty()) {
    bool done = st.pending.front()(st.redis->queue());
    st.health->report(done || st.redis->client().connected());
    if (!done)
      break;
    st.pending.pop_front();
  }
  if (!st.pending.empty() && !st.retry_scheduled) {
    st.retry_scheduled = true;
    self->delayed_send(self, retry_interval, atom::tick_v);
  }
}

void enqueue(writer_ptr self, redis_write write) {
  self->state.pending.push_back(std::move(write));
  drain(self);
}

/// Wraps a conditional write: logs `refusal` when Redis refused it (for a
/// task: the lease was lost), keeps it for a retry when Redis is away.
template <class Write>
redis_write fenced(std::string what, std::string id, Write write,
                   std::string refusal = "another worker owns the task now (lease lost)") {
  return [what = std::move(what), id = std::move(id), write, refusal](redis::task_queue& queue) {
    expected<bool> made = write(queue);
    if (!made) {
      if (made.error().code == errc::unavailable)
        return false;
      spdlog::error("task {}: writing {} failed: {}", id, what, made.error().message);
      return true;
    }
    if (!*made)
      spdlog::warn("task {}: {} not recorded: {}", id, what, refusal);
    return true;
  };
}

void finish_task(writer_ptr self, const std::string& id) {
  auto& st = self->state;
  st.leases.erase(id);
  st.last_progress.erase(id);
  self->send(st.intake, atom::done_v, id);
}

/// Progress goes to Redis at most once a second per job.
bool progress_due(redis_writer_state& st, const std::string& id) {
  auto now = std::chrono::steady_clock::now();
  auto& last = st.last_progress[id];
  if (now - last < progress_interval)
    return false;
  last = now;
  return true;
}

void write_progress(writer_ptr self, const claimed_task& lease, const api::job_snapshot& job) {
  auto& st = self->state;
  if (!progress_due(st, job.id))
    return;
  int percent = std::clamp(static_cast<int>(job.progress * 100), 0, 99);
  // Progress is best effort: not queued for retry, but a refusal means the
  // task was reclaimed elsewhere, so this render is wasted work: stop it.
  auto written = st.redis->queue().progress(job.id, lease.token, percent);
  st.health->report(written || st.redis->client().connected());
  if (written && !*written) {
    spdlog::warn("task {}: lease lost to another worker; cancelling the local render", job.id);
    caf::anon_send(st.coordinator, atom::cancel_v, job.id);  // the answer is of no use here
    finish_task(self, job.id);
  }
}

void on_redis_job(writer_ptr self, const api::job_snapshot& job) {
  auto& st = self->state;
  auto found = st.leases.find(job.id);
  // Not ours any more (lease lost, or finished), or an older render of a
  // task this worker has since claimed again.
  if (found == st.leases.end() || found->second.token != job.tag)
    return;
  claimed_task lease = found->second;
  switch (job.state) {
    case api::job_state::queued:
      return;
    case api::job_state::processing:
      return write_progress(self, lease, job);
    case api::job_state::success: {
      auto result = *job.result;
      enqueue(self, fenced("success", job.id, [lease, result](redis::task_queue& queue) {
                return queue.complete(lease.id, lease.token, result.video_path, result.duration_seconds,
                                      result.file_size);
              }));
      spdlog::info("task {} succeeded: {}", job.id, result.video_path);
      break;
    }
    case api::job_state::cancelled:
      if (st.shutting_down) {
        enqueue(self, fenced("hand-back", job.id,
                             [lease](redis::task_queue& queue) { return queue.release(lease.id, lease.token); }));
        spdlog::info("task {} goes back on the queue (shutdown)", job.id);
        break;
      }
      [[fallthrough]];
    case api::job_state::failed: {
      std::string message = job.failure ? job.failure->message : std::string("failed");
      enqueue(self, fenced("failure", job.id, [lease, message](redis::task_queue& queue) {
                return queue.fail(lease.id, lease.token, message);
              }));
      break;
    }
  }
  finish_task(self, job.id);
}

void on_http_job(writer_ptr self, const api::job_snapshot& job) {
  auto& st = self->state;
  if (job.state == api::job_state::processing) {
    if (!progress_due(st, job.id))
      return;
  } else if (api::is_final(job.state)) {
    st.last_progress.erase(job.id);
  }
  auto fields = redis::http_job_fields(job, st.redis->queue().worker_id());
  redis_write mirror = fenced("job state", job.id, [id = job.id, fields](redis::task_queue& queue) {
    return queue.mirror_http_job(id, fields, http_job_ttl);
  }, "a task of the pipeline has the same id");
  // Only the final state of an HTTP job is worth keeping through an outage;
  // an intermediate one is superseded by the next, so it is tried once.
  if (api::is_final(job.state))
    enqueue(self, std::move(mirror));
  else if (st.pending.empty())
    mirror(st.redis->queue());
}

} // namespace

redis_writer_actor::behavior_type redis_writer(redis_writer_actor::stateful_pointer<redis_writer_state> self,
                                               redis_worker_config config, std::shared_ptr<redis_health> health,
                                               job_coordinator_actor coordinator) {
  auto& st = self->state;
  st.redis = std::make_unique<redis::worker_connection>(config.endpoint, config.worker_id);
  st.health = std::move(health);
  st.coordinator = std::move(coordinator);
  return {
    [=](atom::start, redis_intake_actor intake) { self->state.intake = std::move(intake); },
    [=](atom::state, const api::job_snapshot& job) {
      if (job.source == "redis")
        on_redis_job(self, job);
      else
        on_http_job(self, job);
    },
    [=](atom::lease, const claimed_task& task) { self->state.leases[task.id] = task; },
    [=](atom::failed, const claimed_task& task, const std::string& message) {
      enqueue(self, fenced("failure", task.id,
                           [task, message](redis::task_queue& queue) { return queue.fail(task.id, task.token, message); }));
      finish_task(self, task.id);
    },
    [=](atom::release, const claimed_task& task) {
      enqueue(self, fenced("hand-back", task.id,
                           [task](redis::task_queue& queue) { return queue.release(task.id, task.token); }));
      finish_task(self, task.id);
    },
    [=](atom::tick) {
      self->state.retry_scheduled = false;
      drain(self);
    },
    [=](atom::shutdown) {
      self->state.shutting_down = true;
      return true;
    },
    [=](atom::flush) {
      // Blocking is fine here: this actor is detached, and it is the last
      // thing that runs before the process exits.
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      drain(self);
      while (!self->state.pending.empty() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(retry_interval);
        drain(self);
      }
      if (!self->state.pending.empty())
        spdlog::error("redis writer: {} state writes could not be made (Redis unreachable)",
                      self->state.pending.size());
      return self->state.pending.empty();
    },
  };
}

} // namespace vs::actors

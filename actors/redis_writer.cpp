#include "actors/redis_writer.hpp"
#include "actors/caf_error.hpp"
#include "jobs/job_time.hpp"

#include "redis/task_snapshot.hpp"
#include "redis/task_keys.hpp"

#include <caf/send.hpp>

#include <spdlog/spdlog.h>

#include <thread>

namespace vs::actors {

namespace {

using writer_ptr = redis_writer_actor::stateful_pointer<redis_writer_state>;
using redis::write_result;

constexpr auto progress_interval = std::chrono::seconds(1);
constexpr auto retry_interval = std::chrono::milliseconds(500);
/// HTTP jobs' hashes are only for status polls: they expire.
constexpr std::chrono::seconds http_job_ttl{7 * 24 * 3600};

void log_settled(const pending_write& write, const std::string& what, const write_result& result) {
  switch (result.outcome) {
    case write_result::kind::made:
      if (write.transient_failures > 0)
        spdlog::info("task {}: {} recorded after {} failed tries", write.id, what, write.transient_failures);
      if (!result.detail.empty())
        spdlog::warn("task {}: consumers skipped (recorded in consumer_errors): {}", write.id, result.detail);
      break;
    case write_result::kind::already_made:
      spdlog::info("task {}: {} was already recorded (an earlier answer was lost)", write.id, what);
      break;
    case write_result::kind::lease_lost:
      spdlog::warn("task {}: {} not recorded: another worker owns the task now (lease lost)", write.id, what);
      break;
    case write_result::kind::refused:
      break;
  }
}

/// Settles the front write: tries its current step; on a refusal for good,
/// moves on to the next step. False when Redis failed in a way that passes:
/// keep it and try again later.
bool attempt_front(writer_ptr self) {
  auto& st = self->state;
  auto& write = st.pending.front();
  while (!write.steps.empty()) {
    auto& [what, step] = write.steps.front();
    auto made = step(st.redis->queue(), write.last_error);
    st.health->report(made);
    if (!made && redis::is_transient(made.error())) {
      if (write.transient_failures++ == 0)
        spdlog::warn("task {}: writing {} failed: {}; retrying until it lands", write.id, what, made.error().message);
      return false;
    }
    if (made && made->outcome != write_result::kind::refused) {
      log_settled(write, what, *made);
      if (write.on_recorded && made->outcome != write_result::kind::lease_lost && write.last_error.empty())
        write.on_recorded();
      return true;
    }
    // An HTTP job's mirror has nothing to fall back to, nor any need to.
    if (made && !write.redis_task) {
      spdlog::warn("job {}: {} not recorded: {}", write.id, what, made->detail);
      return true;
    }
    write.last_error = made ? made->detail : made.error().message;
    spdlog::error("task {}: writing {} failed for good: {}", write.id, what, write.last_error);
    write.steps.pop_front();
    write.transient_failures = 0;
    if (!write.steps.empty())
      spdlog::warn("task {}: {} instead", write.id, write.steps.front().first);
  }
  spdlog::error("task {}: nothing could be written; the task is left as it is", write.id);
  return true;
}

/// Makes the pending writes in order; stops at the first that must wait.
void drain(writer_ptr self) {
  auto& st = self->state;
  while (!st.pending.empty()) {
    if (!attempt_front(self))
      break;
    if (st.pending.front().redis_task)
      self->send(st.intake, atom::done_v, st.pending.front().id);
    st.pending.pop_front();
  }
  if (!st.pending.empty() && !st.retry_scheduled) {
    st.retry_scheduled = true;
    self->delayed_send(self, retry_interval, atom::tick_v);
  }
}

void enqueue(writer_ptr self, pending_write write) {
  self->state.pending.push_back(std::move(write));
  drain(self);
}

/// A write of a task's final state, to be settled before the intake hears
/// the task is done.
pending_write task_write(const claimed_task& lease, std::string what, write_step step) {
  pending_write write;
  write.id = lease.id;
  write.redis_task = true;
  write.steps.emplace_back(std::move(what), std::move(step));
  return write;
}

/// The last resort of a final write Redis refuses for good: out of this
/// worker's list, onto the dead queue, where an operator sees it.
void add_parking(pending_write& write) {
  write.steps.emplace_back("parking on " + redis::dead_queue_key(),
                           [id = write.id](redis::task_queue& queue, const std::string&) -> expected<write_result> {
                             if (auto parked = queue.park(id); !parked)
                               return parked.error();
                             spdlog::error("task {}: parked on {} and dropped from this worker's list: an "
                                           "operator must look at it",
                                           id, redis::dead_queue_key());
                             return write_result{};
                           });
}

pending_write failure_write(const claimed_task& lease, const std::string& message) {
  auto write = task_write(lease, "failure", [lease, message](redis::task_queue& queue, const std::string&) {
    return queue.fail(lease.id, lease.token, message);
  });
  add_parking(write);
  return write;
}

/// Success; if Redis refuses it for good, the task fails naming why.
pending_write success_write(const claimed_task& lease, const jobs::job_result& result) {
  auto write = task_write(lease, "success", [lease, result](redis::task_queue& queue, const std::string&) {
    return queue.complete(lease.id, lease.token, result.video_path, result.duration_seconds, result.file_size,
                          result.poster_path, result.captions_path);
  });
  std::string prefix = "the video " + result.video_path + " was made, but recording the success failed: ";
  write.steps.emplace_back("failure", [lease, prefix](redis::task_queue& queue, const std::string& why) {
    return queue.fail(lease.id, lease.token, prefix + why);
  });
  add_parking(write);
  return write;
}

/// Back on the queue at shutdown. No fallback: if Redis refuses, the id
/// stays in this worker's list, and the reaper requeues it once this
/// worker's heartbeat is gone (in a moment: it is shutting down).
pending_write hand_back_write(const claimed_task& lease) {
  return task_write(lease, "hand-back",
                    [lease](redis::task_queue& queue, const std::string&) { return queue.release(lease.id, lease.token); });
}

void forget_lease(writer_ptr self, const std::string& id) {
  self->state.leases.erase(id);
  self->state.last_progress.erase(id);
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

void write_progress(writer_ptr self, const claimed_task& lease, const jobs::job_snapshot& job) {
  auto& st = self->state;
  if (!progress_due(st, job.id))
    return;
  int percent = std::clamp(static_cast<int>(job.progress * 100), 0, 99);
  // Progress is best effort: not queued for retry, but a refusal means the
  // task was reclaimed elsewhere, so this render is wasted work: stop it.
  auto written = st.redis->queue().progress(job.id, lease.token, percent, redis::chunk_fields(job));
  st.health->report(written);
  if (written && !*written) {
    spdlog::warn("task {}: lease lost to another worker; cancelling the local render", job.id);
    caf::anon_send(st.coordinator, atom::cancel_v, job.id);  // the answer is of no use here
    forget_lease(self, job.id);
    self->send(st.intake, atom::done_v, job.id);
  }
}

/// A final write that tells on_task_final once it lands.
pending_write announced(const redis_writer_state& st, pending_write write, const jobs::job_snapshot& job) {
  if (st.on_task_final)
    write.on_recorded = [notify = st.on_task_final, job] { notify(job); };
  return write;
}

/// What a task that failed before it became a job (its dependencies, its
/// params) reports to its webhook: a failed job with the task's id.
jobs::job_snapshot failed_before_job(const claimed_task& task, const error& failure) {
  jobs::job_snapshot job;
  job.id = task.id;
  job.source = "redis";
  job.tag = task.token;
  job.state = jobs::job_state::failed;
  job.failure = failure;
  job.created_at_ms = jobs::now_ms();
  job.finished_at_ms = job.created_at_ms;
  job.spec.callback_url = task.callback_url;
  return job;
}

void on_redis_job(writer_ptr self, const jobs::job_snapshot& job) {
  auto& st = self->state;
  auto found = st.leases.find(job.id);
  // Not ours any more (lease lost, or finished), or an older render of a
  // task this worker has since claimed again.
  if (found == st.leases.end() || found->second.token != job.tag)
    return;
  claimed_task lease = found->second;
  switch (job.state) {
    case jobs::job_state::queued:
      return;
    case jobs::job_state::processing:
      return write_progress(self, lease, job);
    case jobs::job_state::success:
      spdlog::info("task {} succeeded: {}", job.id, job.result->video_path);
      forget_lease(self, job.id);
      return enqueue(self, announced(st, success_write(lease, *job.result), job));
    case jobs::job_state::cancelled:
      if (st.shutting_down) {
        spdlog::info("task {} goes back on the queue (shutdown)", job.id);
        forget_lease(self, job.id);
        return enqueue(self, hand_back_write(lease));
      }
      [[fallthrough]];
    case jobs::job_state::failed:
      forget_lease(self, job.id);
      return enqueue(self,
                     announced(st, failure_write(lease, job.failure ? job.failure->message : std::string("failed")), job));
  }
}

void on_http_job(writer_ptr self, const jobs::job_snapshot& job) {
  auto& st = self->state;
  if (job.state == jobs::job_state::processing) {
    if (!progress_due(st, job.id))
      return;
  } else if (jobs::is_final(job.state)) {
    st.last_progress.erase(job.id);
  }
  pending_write mirror;
  mirror.id = job.id;
  mirror.steps.emplace_back(
    "job state", [id = job.id, created_ms = job.created_at_ms,
                  fields = redis::http_job_fields(job, st.redis->queue().worker_id())](
                   redis::task_queue& queue, const std::string&) -> expected<write_result> {
      auto written = queue.mirror_http_job(id, created_ms, fields, http_job_ttl);
      if (!written)
        return written.error();
      write_result result;
      if (!*written) {
        result.outcome = write_result::kind::refused;
        result.detail = "a task of the pipeline has the same id";
      }
      return result;
    });
  // Only the final state of an HTTP job is worth keeping through an outage;
  // an intermediate one is superseded by the next, so it is tried once.
  if (jobs::is_final(job.state))
    enqueue(self, std::move(mirror));
  else if (st.pending.empty())
    mirror.steps.front().second(st.redis->queue(), "");
}

} // namespace

redis_writer_actor::behavior_type redis_writer(redis_writer_actor::stateful_pointer<redis_writer_state> self,
                                               redis_worker_config config, std::shared_ptr<redis_health> health,
                                               job_coordinator_actor coordinator) {
  auto& st = self->state;
  st.redis = std::make_unique<redis::worker_connection>(config.endpoint, config.worker_id);
  st.health = std::move(health);
  st.coordinator = std::move(coordinator);
  st.on_task_final = config.on_task_final;
  return {
    [=](atom::start, redis_intake_actor intake) { self->state.intake = std::move(intake); },
    [=](atom::state, const jobs::job_snapshot& job) {
      if (job.source == "redis")
        on_redis_job(self, job);
      else
        on_http_job(self, job);
    },
    [=](atom::lease, const claimed_task& task) { self->state.leases[task.id] = task; },
    [=](atom::failed, const claimed_task& task, const caf::error& failure) {
      forget_lease(self, task.id);
      const error why = from_caf(failure);
      enqueue(self, announced(self->state, failure_write(task, why.message), failed_before_job(task, why)));
    },
    [=](atom::release, const claimed_task& task) {
      forget_lease(self, task.id);
      enqueue(self, hand_back_write(task));
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
        spdlog::error("redis writer: {} state writes could not be made (Redis unreachable); their ids stay in "
                      "this worker's processing list for the reaper",
                      self->state.pending.size());
      return self->state.pending.empty();
    },
  };
}

} // namespace vs::actors

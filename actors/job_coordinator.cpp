#include "actors/job_coordinator.hpp"

#include "actors/caf_error.hpp"
#include "actors/job_runner.hpp"
#include "jobs/job_time.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/system_messages.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace vs::actors {

namespace {

using coordinator_ptr = job_coordinator_actor::stateful_pointer<job_coordinator_state>;

constexpr auto fps_window = std::chrono::seconds(5);

/// 16 hex digits: a different shape from the pipeline's 8-digit task ids, so
/// an HTTP job never shares a task hash or an output file with a Redis task.
std::string random_id(std::mt19937_64& random) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(random()));
  return text;
}

/// External ids become file names: keep them to a safe alphabet.
bool is_safe_id(const std::string& id) {
  if (id.empty() || id.size() > 64)
    return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
  });
}

void notify(coordinator_ptr self, const job_entry& entry) {
  for (const auto& observer : self->state.observers)
    self->send(observer, atom::state_v, entry.snapshot);
}

/// Every state change goes through here.
void set_state(coordinator_ptr self, job_entry& entry, jobs::job_state next) {
  auto& st = self->state;
  if (entry.snapshot.state != next) {
    --st.jobs_by_state[jobs::to_string(entry.snapshot.state)];
    ++st.jobs_by_state[jobs::to_string(next)];
    if (entry.snapshot.state == jobs::job_state::queued)
      st.queued_bytes -= entry.spec_bytes;
  }
  entry.snapshot.state = next;
}

/// What a waiting job's spec holds in memory: mostly its paths (up to 1000)
/// and inline captions.
int64_t spec_bytes(const media::render_spec& spec) {
  int64_t bytes = sizeof(media::render_spec) + static_cast<int64_t>(spec.audio_path.size() + spec.output_path.size());
  for (const auto* paths : {&spec.image_paths, &spec.input_roots})
    for (const auto& path : *paths)
      bytes += static_cast<int64_t>(sizeof(std::string) + path.size());
  // Inline captions: up to a megabyte of text each (caption_limits).
  const media::caption_request& captions = spec.captions;
  bytes += static_cast<int64_t>(captions.path.size() + captions.text.size());
  for (const auto& cue : captions.cues)
    bytes += static_cast<int64_t>(sizeof cue + cue.text.size());
  for (const auto& word : captions.words)
    bytes += static_cast<int64_t>(sizeof word + word.text.size());
  return bytes;
}

/// What a job holds of the memory budget before its length is known: the
/// estimate for the longest video it may make.
int64_t reservation_for(const job_coordinator_state& st, const media::render_spec& spec) {
  return media::estimate_job_memory(spec, st.setup.memory, media::longest_video_seconds(spec, st.setup.limits))
    .total();
}

void admit_next(coordinator_ptr self);

/// A transition the job store could not write: the job goes on in memory; a
/// restart would find it as it was before.
void log_unrecorded(const status& recorded) {
  if (!recorded)
    spdlog::error("job store: {}", recorded.error().message);
}

/// Writes how a job ended, unless the shutdown stopped it: the store then
/// keeps it queued, as if it had not started, for the next process.
void record_end(job_coordinator_state& st, const job_entry& entry, bool was_running) {
  if (!entry.resumes_after_restart)
    log_unrecorded(st.setup.store->finished(entry.snapshot));
  else if (was_running)
    log_unrecorded(st.setup.store->requeue(entry.snapshot.id));
}

std::string output_path_for(const job_coordinator_state& st, const std::string& id) {
  return (std::filesystem::path(st.setup.output_dir) / "video" / (id + ".mp4")).string();
}

void evict_finished(coordinator_ptr self) {
  auto& st = self->state;
  for (auto it = st.order.begin(); st.finished > st.setup.max_finished_jobs && it != st.order.end();) {
    auto found = st.jobs.find(*it);
    if (found != st.jobs.end() && jobs::is_final(found->second.snapshot.state)) {
      st.jobs.erase(found);
      --st.finished;
      it = st.order.erase(it);
    } else {
      ++it;
    }
  }
}

void check_shutdown_done(coordinator_ptr self) {
  auto& st = self->state;
  if (!st.shutting_down || st.running > 0 || st.shutdown_waiters.empty())
    return;
  for (auto& waiter : st.shutdown_waiters)
    waiter.deliver(st.cancelled_by_shutdown);
  st.shutdown_waiters.clear();
}

/// Moves a job to a final state, wakes its waiters and frees its slot.
void finalize(coordinator_ptr self, const std::string& id, jobs::job_state final_state,
              std::optional<jobs::job_result> result, std::optional<vs::error> failure) {
  auto& st = self->state;
  auto found = st.jobs.find(id);
  if (found == st.jobs.end() || jobs::is_final(found->second.snapshot.state))
    return;
  job_entry& entry = found->second;
  bool was_running = entry.snapshot.state == jobs::job_state::processing;
  set_state(self, entry, final_state);
  entry.snapshot.finished_at_ms = jobs::now_ms();
  entry.snapshot.result = std::move(result);
  entry.snapshot.failure = std::move(failure);
  if (final_state == jobs::job_state::success) {
    entry.snapshot.progress = 1.0;
    entry.snapshot.frames_done = entry.snapshot.frames_total;
  }
  // Recorded before anyone hears of it: a success seen is a success kept.
  if (st.setup.store)
    record_end(st, entry, was_running);
  if (was_running) {
    --st.running;
    st.reserved -= entry.reserved;
    entry.reserved = 0;
    entry.runner = nullptr;
    double seconds = static_cast<double>(entry.snapshot.finished_at_ms - entry.snapshot.started_at_ms) / 1000.0;
    for (size_t i = 0; i < st.duration_buckets.size(); ++i)
      if (seconds <= st.duration_buckets[i])
        ++st.duration_counts[i];
    ++st.duration_count;
    st.duration_sum += seconds;
  }
  ++st.finished;
  const char* outcome = jobs::to_string(final_state);
  if (entry.snapshot.failure)
    spdlog::info("job {} {}: {}", id, outcome, entry.snapshot.failure->message);
  else
    spdlog::info("job {} {}", id, outcome);
  for (auto& waiter : entry.waiters)
    waiter.deliver(entry.snapshot);
  for (auto& waiter : entry.cancel_waiters)
    waiter.deliver(entry.snapshot);
  entry.waiters.clear();
  entry.cancel_waiters.clear();
  notify(self, entry);
  // The observers have the final snapshot; the job kept in the table for
  // status queries does not need its (up to 1000) paths nor its captions
  // (up to a megabyte of text) any more.
  entry.snapshot.spec.image_paths = {};
  entry.snapshot.spec.input_roots = {};
  entry.snapshot.spec.captions.cues = {};
  entry.snapshot.spec.captions.words = {};
  entry.snapshot.spec.captions.text = {};
  admit_next(self);
  evict_finished(self);
  check_shutdown_done(self);
}

void start_job(coordinator_ptr self, job_entry& entry, int64_t reservation) {
  auto& st = self->state;
  set_state(self, entry, jobs::job_state::processing);
  entry.snapshot.started_at_ms = jobs::now_ms();
  if (st.setup.store)
    log_unrecorded(st.setup.store->started(entry.snapshot.id, entry.snapshot.started_at_ms));
  ++st.running;
  entry.reserved = reservation;
  st.reserved += reservation;
  runner_setup setup;
  setup.job_id = entry.snapshot.id;
  setup.spec = entry.snapshot.spec;
  setup.limits = st.setup.limits;
  setup.coordinator = self;
  setup.decoders = st.setup.decoders;
  setup.renderers = st.setup.renderers;
  setup.credits = st.setup.credits_per_job;
  setup.counters = st.setup.counters;
  setup.memory = st.setup.memory;
  setup.max_job_memory = st.setup.max_job_memory;
  setup.chunking = st.setup.chunking;
  setup.output_dir = st.setup.output_dir;
  // A Redis task's plan belongs to its fence, so a worker that claims the
  // task again can adopt it; an HTTP job lives and dies on this worker.
  if (st.setup.chunking)
    setup.owner_token = entry.snapshot.source == "redis" && !entry.snapshot.tag.empty()
                            ? entry.snapshot.tag
                            : "http:" + st.setup.chunking->worker_id + ":" + entry.snapshot.id;
  entry.runner = self->spawn(job_runner, std::move(setup));
  self->monitor(entry.runner);
  spdlog::info("job {} processing ({} running, {} queued, {} of {} MB reserved)", entry.snapshot.id, st.running,
               st.queue.size(), media::to_mib(st.reserved), media::to_mib(st.setup.memory_budget));
  notify(self, entry);
}

/// Starts queued jobs in order while a slot is free and the next job's
/// reservation fits what the running ones leave of the budget. The next job
/// waits rather than letting later, smaller ones pass it (they would starve
/// it); with nothing running it always starts: it passed the per-job check.
void admit_next(coordinator_ptr self) {
  auto& st = self->state;
  while (!st.shutting_down && st.running < st.setup.max_concurrent_jobs && !st.queue.empty()) {
    auto found = st.jobs.find(st.queue.front());
    if (found == st.jobs.end() || found->second.snapshot.state != jobs::job_state::queued) {
      st.queue.pop_front();
      continue;
    }
    int64_t reservation = reservation_for(st, found->second.snapshot.spec);
    if (st.running > 0 && st.reserved + reservation > st.setup.memory_budget) {
      spdlog::debug("job {} waits for memory: needs {} MB, {} of {} MB reserved", found->first,
                    media::to_mib(reservation), media::to_mib(st.reserved), media::to_mib(st.setup.memory_budget));
      return;
    }
    st.queue.pop_front();
    start_job(self, found->second, reservation);
  }
}

/// Once a runner knows the video's length, its reservation shrinks from the
/// longest possible narration to the real one, and queued jobs may fit.
void on_length_known(coordinator_ptr self, job_entry& entry, int64_t frames) {
  auto& st = self->state;
  if (entry.length_known || frames <= 0 || entry.snapshot.state != jobs::job_state::processing)
    return;
  entry.length_known = true;
  const auto& spec = entry.snapshot.spec;
  int64_t exact = media::estimate_job_memory(spec, st.setup.memory, static_cast<double>(frames) / spec.fps).total();
  if (exact >= entry.reserved)
    return;
  st.reserved -= entry.reserved - exact;
  entry.reserved = exact;
  admit_next(self);
}

/// HTTP jobs beyond the queue's bounds are turned away for now (429); Redis
/// tasks never reach here beyond the intake's room.
caf::error queue_full(const job_coordinator_state& st, const job_submission& submission, int64_t bytes) {
  if (submission.source == "redis")
    return {};
  if (static_cast<int64_t>(st.queue.size()) >= st.setup.max_queued_jobs)
    return caf_error(errc::busy, "the queue is full (" + std::to_string(st.queue.size()) +
                                   " jobs waiting, MAX_QUEUED_JOBS); retry later");
  if (st.queued_bytes + bytes > st.setup.max_queued_bytes)
    return caf_error(errc::busy, "the queue is full (" + std::to_string(st.queue.size()) + " waiting jobs hold " +
                                   std::to_string(st.queued_bytes >> 10) + " KB of paths and captions text; this one needs " +
                                   std::to_string(bytes >> 10) + " KB more of the " +
                                   std::to_string(st.setup.max_queued_bytes >> 10) + " KB allowed); retry later");
  return {};
}

caf::result<std::string> submit(coordinator_ptr self, job_submission& submission) {
  auto& st = self->state;
  if (st.shutting_down)
    return caf_error(errc::unavailable, "the service is shutting down and accepts no new jobs");
  std::string id;
  if (!submission.external_id.empty()) {
    if (!is_safe_id(submission.external_id))
      return to_caf(vs::make_error(errc::invalid_argument,
                                   "job id " + submission.external_id +
                                     " may only use letters, digits, '-' and '_' (at most 64)",
                                   "id"));
    id = submission.external_id;
    if (auto found = st.jobs.find(id); found != st.jobs.end()) {
      if (!jobs::is_final(found->second.snapshot.state))
        return caf_error(errc::conflict, "job " + id + " is already " + jobs::to_string(found->second.snapshot.state));
      // A finished job submitted again (a task pushed twice) renders again.
      --st.finished;
      st.order.erase(std::find(st.order.begin(), st.order.end(), id));
      st.jobs.erase(found);
    }
  } else {
    // Finished jobs of earlier processes live on in the store only.
    auto stored = [&](const std::string& candidate) {
      if (!st.setup.store)
        return false;
      auto found = st.setup.store->contains(candidate);
      return found && *found;
    };
    do
      id = random_id(st.random);
    while (st.jobs.count(id) > 0 || stored(id));
  }
  media::render_spec spec = std::move(submission.spec);
  spec.output_path = output_path_for(st, id);
  // Made at start-up; made again if someone removed it since (one mkdir).
  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(spec.output_path).parent_path(), ignored);
  if (auto valid = media::validate(spec, st.setup.limits); !valid)
    return to_caf(valid.error());
  // With the narration setting the length, the length part is checked again
  // once the audio is decoded (the runner); geometry and settings now.
  double known_seconds = media::fixed_audio_seconds(spec).value_or(0.0);
  if (auto fits = media::check_job_memory(spec, st.setup.memory, known_seconds, st.setup.max_job_memory,
                                          "MAX_JOB_MEMORY_MB");
      !fits)
    return to_caf(fits.error());
  int64_t bytes = spec_bytes(spec);
  if (auto full = queue_full(st, submission, bytes))
    return full;

  job_entry entry;
  entry.snapshot.id = id;
  entry.snapshot.source = submission.source;
  entry.snapshot.tag = submission.tag;
  entry.snapshot.state = jobs::job_state::queued;
  entry.snapshot.created_at_ms = jobs::now_ms();
  entry.snapshot.spec = std::move(spec);
  entry.spec_bytes = bytes;
  // Durable before the client hears the id.
  if (st.setup.store)
    if (auto recorded = st.setup.store->add(entry.snapshot); !recorded)
      return to_caf(recorded.error());
  st.queued_bytes += bytes;
  ++st.jobs_by_state[jobs::to_string(jobs::job_state::queued)];
  auto& stored = st.jobs.emplace(id, std::move(entry)).first->second;
  st.order.push_back(id);
  st.queue.push_back(id);
  spdlog::info("job {} queued from {}", id, submission.source);
  notify(self, stored);
  admit_next(self);
  return id;
}

caf::result<jobs::job_snapshot> cancel(coordinator_ptr self, const std::string& id) {
  auto& st = self->state;
  auto found = st.jobs.find(id);
  if (found == st.jobs.end())
    return caf_error(errc::not_found, "no job with id " + id);
  job_entry& entry = found->second;
  switch (entry.snapshot.state) {
    case jobs::job_state::queued:
      st.queue.erase(std::find(st.queue.begin(), st.queue.end(), id));
      finalize(self, id, jobs::job_state::cancelled, std::nullopt,
               vs::make_error(errc::cancelled, "the job was cancelled"));
      return st.jobs.at(id).snapshot;
    case jobs::job_state::processing: {
      auto promise = self->make_response_promise<jobs::job_snapshot>();
      entry.cancel_waiters.push_back(promise);
      if (!entry.cancel_requested) {
        entry.cancel_requested = true;
        self->send(entry.runner, atom::cancel_v);
      }
      return promise;
    }
    default:
      return caf_error(errc::conflict,
                       "job " + id + " already ended (" + jobs::to_string(entry.snapshot.state) + ")");
  }
}

void prune_fps_samples(job_coordinator_state& st, std::chrono::steady_clock::time_point now) {
  while (!st.fps_samples.empty() && now - st.fps_samples.front().first > fps_window) {
    st.fps_base = st.fps_samples.front().second;
    st.fps_samples.pop_front();
  }
}

jobs::service_stats stats(coordinator_ptr self) {
  auto& st = self->state;
  jobs::service_stats result;
  result.running = st.running;
  result.queued = static_cast<int>(st.queue.size());
  result.max_concurrent = st.setup.max_concurrent_jobs;
  for (auto state : {jobs::job_state::queued, jobs::job_state::processing, jobs::job_state::success,
                     jobs::job_state::failed, jobs::job_state::cancelled})
    result.jobs_by_state[jobs::to_string(state)] = 0;
  for (const auto& [name, count] : st.jobs_by_state)
    result.jobs_by_state[name] = count;
  result.frames_rendered = st.frames_rendered;
  result.chunks_rendered = st.setup.chunking ? st.setup.chunking->chunks_rendered->load() : 0;
  auto now = std::chrono::steady_clock::now();
  prune_fps_samples(st, now);
  auto window = std::min<std::chrono::steady_clock::duration>(fps_window, now - st.started);
  double seconds = std::chrono::duration<double>(window).count();
  if (seconds > 0)
    result.render_fps = static_cast<double>(st.frames_rendered - st.fps_base) / seconds;
  result.duration_buckets = st.duration_buckets;
  result.duration_bucket_counts = st.duration_counts;
  result.duration_count = st.duration_count;
  result.duration_sum = st.duration_sum;
  result.accepting_jobs = !st.shutting_down;
  return result;
}

void begin_shutdown(coordinator_ptr self) {
  auto& st = self->state;
  st.shutting_down = true;
  // Queued jobs will not start in this process; with a store they start
  // in the next one.
  const bool kept = st.setup.store != nullptr;
  auto queued = std::move(st.queue);
  st.queue.clear();
  for (const auto& id : queued) {
    auto found = st.jobs.find(id);
    if (found == st.jobs.end())
      continue;
    found->second.resumes_after_restart = kept;
    ++st.cancelled_by_shutdown;
    finalize(self, id, jobs::job_state::cancelled, std::nullopt,
             vs::make_error(errc::cancelled, kept ? "the service shut down before the job started; it stays queued "
                                                    "and starts when the service starts again"
                                                  : "the service shut down before the job started"));
  }
}

/// A runner's report: frames encoded (or, for a chunked job, done across
/// its chunks) and, for a chunked job, its chunks done and in all.
void on_progress(coordinator_ptr self, const std::string& id, int64_t done, int64_t total, int64_t rendered,
                 int chunks_done, int chunks_total) {
  auto& st = self->state;
  st.frames_rendered += rendered;
  auto now = std::chrono::steady_clock::now();
  st.fps_samples.emplace_back(now, st.frames_rendered);
  prune_fps_samples(st, now);
  auto found = st.jobs.find(id);
  if (found == st.jobs.end() || jobs::is_final(found->second.snapshot.state))
    return;
  auto& snapshot = found->second.snapshot;
  snapshot.frames_done = done;
  snapshot.frames_total = total;
  snapshot.progress = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
  if (chunks_total > 0) {
    snapshot.chunks_done = chunks_done;
    snapshot.chunks_total = chunks_total;
  }
  notify(self, found->second);
  on_length_known(self, found->second, total);
}

/// Puts back the jobs a previous process left, ahead of any new one.
void resume(coordinator_ptr self) {
  auto& st = self->state;
  for (auto& snapshot : st.setup.resumed) {
    const std::string id = snapshot.id;
    job_entry entry;
    entry.snapshot = std::move(snapshot);
    // Results go where this process keeps them, whatever the last one used.
    entry.snapshot.spec.output_path = output_path_for(st, id);
    entry.spec_bytes = spec_bytes(entry.snapshot.spec);
    st.queued_bytes += entry.spec_bytes;
    ++st.jobs_by_state[jobs::to_string(jobs::job_state::queued)];
    st.jobs.emplace(id, std::move(entry));
    st.order.push_back(id);
    st.queue.push_back(id);
  }
  st.setup.resumed.clear();
  admit_next(self);
}

} // namespace

job_coordinator_actor::behavior_type
job_coordinator(job_coordinator_actor::stateful_pointer<job_coordinator_state> self, coordinator_setup setup) {
  self->state.setup = std::move(setup);
  // A runner that dies without reporting fails its job.
  self->set_down_handler([=](caf::down_msg& down) {
    auto& st = self->state;
    auto& observers = st.observers;
    observers.erase(std::remove_if(observers.begin(), observers.end(),
                                   [&](const job_observer_actor& x) { return x.address() == down.source; }),
                    observers.end());
    for (auto& [id, entry] : st.jobs)
      if (entry.runner && entry.runner.address() == down.source) {
        std::string job_id = id;
        finalize(self, job_id, jobs::job_state::failed, std::nullopt,
                 vs::make_error(errc::internal, "the job's runner stopped unexpectedly: " + caf::to_string(down.reason)));
        return;
      }
  });
  // Going down takes every running job with it; their sinks remove their
  // temporary files when they go.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& [id, entry] : self->state.jobs)
      if (entry.runner)
        self->send_exit(entry.runner, msg.reason);
    self->quit(msg.reason);
  });
  resume(self);
  return {
    [=](atom::submit, job_submission& submission) -> caf::result<std::string> { return submit(self, submission); },
    [=](atom::get, const std::string& id) -> caf::result<jobs::job_snapshot> {
      auto found = self->state.jobs.find(id);
      if (found == self->state.jobs.end())
        return caf_error(errc::not_found, "no job with id " + id);
      return found->second.snapshot;
    },
    [=](atom::list, uint64_t limit) -> caf::result<std::vector<jobs::job_snapshot>> {
      std::vector<jobs::job_snapshot> result;
      auto& st = self->state;
      for (auto it = st.order.rbegin(); it != st.order.rend() && result.size() < limit; ++it)
        result.push_back(st.jobs.at(*it).snapshot);
      return result;
    },
    [=](atom::cancel, const std::string& id) -> caf::result<jobs::job_snapshot> { return cancel(self, id); },
    [=](atom::wait, const std::string& id) -> caf::result<jobs::job_snapshot> {
      auto found = self->state.jobs.find(id);
      if (found == self->state.jobs.end())
        return caf_error(errc::not_found, "no job with id " + id);
      if (jobs::is_final(found->second.snapshot.state))
        return found->second.snapshot;
      auto promise = self->make_response_promise<jobs::job_snapshot>();
      found->second.waiters.push_back(promise);
      return promise;
    },
    [=](atom::stats) -> caf::result<jobs::service_stats> { return stats(self); },
    [=](atom::observe, job_observer_actor observer) {
      self->monitor(observer);
      self->state.observers.push_back(std::move(observer));
    },
    [=](atom::shutdown, caf::timespan grace) -> caf::result<int64_t> {
      auto& st = self->state;
      auto promise = self->make_response_promise<int64_t>();
      st.shutdown_waiters.push_back(promise);
      if (!st.shutting_down) {
        spdlog::info("shutting down: {} running, {} queued", st.running, st.queue.size());
        begin_shutdown(self);
        if (st.running > 0)
          self->delayed_send(self, grace, atom::abort_v);
      }
      check_shutdown_done(self);
      return promise;
    },
    [=](atom::abort) {
      // The grace period is over: cancel what still runs.
      for (auto& [id, entry] : self->state.jobs)
        if (entry.snapshot.state == jobs::job_state::processing && !entry.cancel_requested) {
          entry.cancel_requested = true;
          entry.resumes_after_restart = self->state.setup.store != nullptr;
          ++self->state.cancelled_by_shutdown;
          self->send(entry.runner, atom::cancel_v);
        }
    },
    [=](atom::progress, const std::string& id, int64_t done, int64_t total, int64_t rendered) {
      on_progress(self, id, done, total, rendered, 0, 0);
    },
    [=](atom::progress, const std::string& id, int64_t done, int64_t total, int64_t rendered, int32_t chunks_done,
        int32_t chunks_total) { on_progress(self, id, done, total, rendered, chunks_done, chunks_total); },
    [=](atom::done, const std::string& id, jobs::job_result& result) {
      finalize(self, id, jobs::job_state::success, std::move(result), std::nullopt);
    },
    [=](atom::failed, const std::string& id, const caf::error& failure) {
      vs::error cause = from_caf(failure);
      auto found = self->state.jobs.find(id);
      // Whatever error an aborted stage reports, a cancelled job is cancelled.
      bool cancelled = cause.code == errc::cancelled ||
                       (found != self->state.jobs.end() && found->second.cancel_requested);
      if (cancelled && cause.code != errc::cancelled)
        cause = vs::make_error(errc::cancelled, "the job was cancelled");
      if (cancelled && found != self->state.jobs.end() && found->second.resumes_after_restart)
        cause = vs::make_error(errc::cancelled, "the service shut down while the job rendered; it renders again "
                                                "from the start when the service starts again");
      finalize(self, id, cancelled ? jobs::job_state::cancelled : jobs::job_state::failed, std::nullopt,
               std::move(cause));
    },
  };
}

} // namespace vs::actors

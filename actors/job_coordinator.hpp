#pragma once
/// The job coordinator: the job table, admission (at most max_concurrent
/// jobs run, and only while their memory estimates fit the worker's budget;
/// the rest wait FIFO), cancel, shutdown and the service counters.
/// It is the only place a job's state changes; every change is pushed to the
/// registered observers (`atom::observe`), which is how the Redis writer
/// will mirror job state.

#include "actors/actors.hpp"
#include "actors/chunk_work.hpp"
#include "actors/pipeline_counters.hpp"
#include "media/memory_estimate.hpp"
#include "store/job_store.hpp"

#include <caf/fwd.hpp>
#include <caf/typed_response_promise.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace vs::actors {

struct coordinator_setup {
  std::string output_dir;             ///< results go to output_dir/video/{id}.mp4
  int max_concurrent_jobs = 1;
  int credits_per_job = 6;
  size_t max_finished_jobs = 1000;
  /// HTTP jobs waiting beyond these get errc::busy; Redis jobs are bounded
  /// by the intake, which claims only while it has room.
  int max_queued_jobs = 256;
  int64_t max_queued_bytes = 32 << 20;  ///< what the waiting jobs' specs (their paths) may hold
  /// A job whose estimate is over this is refused; a job under it always
  /// runs, alone if it must.
  int64_t max_job_memory = 0;
  /// Jobs start while the running jobs' estimates, plus theirs, fit this.
  int64_t memory_budget = 0;
  media::memory_context memory;        ///< the pipeline the estimates assume
  media::render_limits limits;
  image_decoder_actor decoders;
  frame_renderer_actor renderers;
  std::shared_ptr<pipeline_counters> counters;
  /// Chunked rendering of long jobs (a worker with Redis, CHUNK_SECONDS > 0).
  std::optional<chunk_settings> chunking;
  /// Standalone mode: every state transition is written here before anyone
  /// sees it (null with Redis, which keeps the jobs).
  std::shared_ptr<store::job_store> store;
  /// Jobs a previous process left queued or rendering (job_store::recover),
  /// queued first, in their order.
  std::vector<jobs::job_snapshot> resumed;
};

struct job_entry {
  jobs::job_snapshot snapshot;
  job_runner_actor runner;            ///< set while processing
  int64_t reserved = 0;               ///< bytes of the memory budget held while processing
  bool length_known = false;          ///< the reservation was cut to the real video length
  int64_t spec_bytes = 0;             ///< what the spec holds, counted while queued
  bool cancel_requested = false;
  /// The shutdown stopped it: the store keeps it queued for the next start.
  bool resumes_after_restart = false;
  std::vector<caf::typed_response_promise<jobs::job_snapshot>> waiters;
  std::vector<caf::typed_response_promise<jobs::job_snapshot>> cancel_waiters;
};

struct job_coordinator_state {
  job_coordinator_state() = default;
  static inline const char* name = "job_coordinator";

  coordinator_setup setup;
  std::unordered_map<std::string, job_entry> jobs;
  std::deque<std::string> order;      ///< every job in the table, oldest first
  std::deque<std::string> queue;      ///< queued jobs, FIFO
  int running = 0;
  int64_t reserved = 0;               ///< sum of the running jobs' reservations
  int64_t queued_bytes = 0;           ///< sum of the queued jobs' spec_bytes
  size_t finished = 0;                ///< final jobs in the table
  std::vector<job_observer_actor> observers;
  std::mt19937_64 random{std::random_device{}()};

  // Counters for stats().
  std::map<std::string, int64_t> jobs_by_state;
  int64_t frames_rendered = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::deque<std::pair<std::chrono::steady_clock::time_point, int64_t>> fps_samples;
  int64_t fps_base = 0;               ///< frames_rendered at the start of the window
  std::vector<double> duration_buckets{1, 2, 5, 10, 30, 60, 120, 300, 600};
  std::vector<int64_t> duration_counts = std::vector<int64_t>(9, 0);
  int64_t duration_count = 0;
  double duration_sum = 0;

  // Shutdown.
  bool shutting_down = false;
  int64_t cancelled_by_shutdown = 0;
  std::vector<caf::typed_response_promise<int64_t>> shutdown_waiters;
};

job_coordinator_actor::behavior_type
job_coordinator(job_coordinator_actor::stateful_pointer<job_coordinator_state> self, coordinator_setup setup);

class job_system;

/// The coordinator of a system made by start_job_system, for actors that talk
/// to it directly: the Redis intake submits with `atom::submit` and a
/// job_submission{spec, "redis", task_id}; the Redis writer registers itself
/// with `atom::observe` and then receives `(atom::state, job_snapshot)` after
/// every change of every job.
job_coordinator_actor coordinator_of(job_system& system);

/// The actor system behind `system`, to spawn such actors in.
caf::actor_system& actor_system_of(job_system& system);

} // namespace vs::actors

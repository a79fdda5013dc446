#pragma once
/// The job system as the rest of the service sees it: start it, use its
/// jobs::job_service, shut it down. No CAF in this header; the actor system
/// lives behind it.

#include "actors/chunk_work.hpp"
#include "actors/pipeline_counters.hpp"
#include "jobs/job_service.hpp"
#include "media/memory_estimate.hpp"
#include "media/render_spec.hpp"
#include "store/job_store.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace vs::actors {

struct job_system_config {
  std::string output_dir = "/app/output";   ///< results go to output_dir/video/{id}.mp4
  int max_concurrent_jobs = 0;              ///< 0: one per core
  int renderers = 0;                        ///< frame renderer workers; 0: one per core
  int decoders = 2;                         ///< image decoder workers
  int credits_per_job = 0;                  ///< frames in flight per job; 0: 2 × renderers + 2
  size_t max_finished_jobs = 1000;          ///< older finished jobs are forgotten
  /// HTTP jobs waiting beyond this many are refused with errc::busy (HTTP 429).
  int max_queued_jobs = 256;
  /// …or beyond this many bytes of specs (paths) waiting.
  int64_t max_queued_bytes = 32 << 20;
  /// Memory the image decoders and the running jobs' estimates may add up
  /// to; 0: 70% of the machine's memory (the smaller of MemTotal and the
  /// cgroup limit). The decoders' share is reserved first (decoder_reserve_bytes).
  int64_t memory_budget_bytes = 0;
  /// A job whose estimate is over this is refused; 0: what the decoders leave of the budget.
  int64_t max_job_memory_bytes = 0;
  /// limits.max_image_decode_bytes 0: what max_image_pixels needs, at most
  /// half the budget for all decoders (media::with_decode_share).
  media::render_limits limits;
  /// How long a facade call waits for the coordinator before errc::unavailable.
  std::chrono::milliseconds request_timeout{10'000};
  /// Long jobs rendered in chunks by every worker (needs Redis); none: whole.
  std::optional<chunk_settings> chunking;
  /// Standalone mode: jobs kept in an SQLite file (store/job_store), so
  /// they survive a restart; none: in memory only (with Redis, Redis keeps them).
  std::optional<store::job_store_settings> store;
};

class job_system {
public:
  virtual ~job_system() = default;

  /// The plain-C++ interface the HTTP layer calls (thread-safe).
  virtual jobs::job_service& service() = 0;

  /// Stops admitting jobs and cancels the queued ones, gives running jobs
  /// `grace` to finish, then cancels them. Returns how many jobs were
  /// cancelled. Idempotent.
  virtual int64_t shutdown(std::chrono::milliseconds grace) = 0;

  /// The effective configuration (defaults resolved).
  virtual const job_system_config& config() const = 0;

  virtual const pipeline_counters& counters() const = 0;
};

/// What the image decoder pool may hold at once, reserved from the memory
/// budget: it serves every job, so no job's estimate has it. `decoders`
/// times the most one decode may take (`config` with defaults resolved).
int64_t decoder_reserve_bytes(const job_system_config& config);

/// What the running jobs' estimates may add up to: the budget less the
/// decoders' reserve.
int64_t jobs_budget(const job_system_config& config);

/// The pipeline a job of a system with `config` (defaults resolved) runs in,
/// as the memory estimate sees it.
media::memory_context memory_context_of(const job_system_config& config);

/// Starts the actor system, the worker pools and the coordinator; creates
/// output_dir/video. Fails with errc::io_error if that folder cannot be made
/// or the job store cannot be opened. With a store, the jobs the previous
/// process left queued or rendering start again, in their order.
expected<std::unique_ptr<job_system>> start_job_system(const job_system_config& config);

} // namespace vs::actors

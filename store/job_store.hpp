#pragma once
/// Standalone mode's durable job table: every job's state transitions in an
/// SQLite file (OUTPUT_DIR/jobs.sqlite by default), so finished jobs, the
/// queue and an interrupted render survive a restart. The coordinator
/// writes each transition through it (queued, started, ended, put back at
/// shutdown) before anyone can see it, never a progress tick; the API reads
/// finished jobs from it. With Redis, Redis is the store and this is not
/// opened.
///
/// Durability: WAL with synchronous=NORMAL. A commit is a write to the WAL
/// in the page cache, so it survives the process being killed at any point
/// (SIGKILL, OOM, a crash); an fsync happens only at checkpoints, so a
/// transition costs no disk flush on the coordinator's thread. A power cut or
/// kernel crash may lose the last transitions (a job then comes back as it
/// was a moment earlier: re-rendered, or, just submitted, unknown), never
/// the file's consistency. The video files themselves are flushed before a
/// success is recorded (media/output_file).
///
/// One connection behind a mutex: writes come from the coordinator only,
/// reads (GET /jobs) from HTTP threads; each call is one short statement or
/// transaction. The file is locked exclusively (locking_mode=EXCLUSIVE)
/// for the life of the store: a second process on the same file fails to
/// start instead of running the same queued jobs twice.

#include "jobs/job_service.hpp"
#include "media/error.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vs::store {

struct job_store_settings {
  std::string path;                 ///< the SQLite file (JOB_STORE_PATH)
  /// Finished jobs that ended longer ago than this are pruned; 0: no age bound (JOB_HISTORY_DAYS).
  int history_days = 30;
  /// At most this many finished jobs are kept, the most recently ended; 0: no count bound (JOB_HISTORY_MAX).
  int64_t history_max = 10000;
  /// A job found rendering at start-up (the process died under it) this
  /// many times is failed instead of rendered again (MAX_ATTEMPTS).
  int max_attempts = 3;
  /// How long opening waits for a lock held by another process: only
  /// another serve holds it, and that one for its whole life, so a short
  /// wait suffices (a process that just exited has already let go).
  std::chrono::milliseconds busy_timeout{2000};
  /// synchronous=FULL: an fsync per transition, so a power cut loses none
  /// either. Off in serve (see above); bench/job_store_cost measures both.
  bool flush_every_commit = false;
};

/// What open() found left by the previous process.
struct job_recovery {
  /// Jobs to run again, in submission order, with their complete spec:
  /// those that were queued and those that were rendering.
  std::vector<jobs::job_snapshot> queued;
  int restarted = 0;        ///< of `queued`, were rendering when the process died
  int given_up = 0;         ///< were rendering for the max_attempts-th time: now failed
  int unreadable = 0;       ///< their stored spec could not be read back: now failed
  int64_t finished = 0;     ///< finished jobs kept
  int64_t pruned = 0;       ///< finished jobs pruned by the history bounds
};

class job_store {
public:
  /// Opens or creates the store, checks the file (errc::io_error naming it
  /// when it is no SQLite database, damaged, of a newer schema or locked by
  /// another process) and takes its lock.
  static expected<std::unique_ptr<job_store>> open(const job_store_settings& settings);
  ~job_store();
  job_store(const job_store&) = delete;
  job_store& operator=(const job_store&) = delete;

  const job_store_settings& settings() const { return settings_; }

  /// Once, before any job runs: jobs found rendering become queued again
  /// (their attempt counted) or failed; the history is pruned; the jobs to
  /// run are returned in their order.
  expected<job_recovery> recover(int64_t now_ms);

  /// A job just admitted (queued, spec complete).
  status add(const jobs::job_snapshot& job);
  /// The job started rendering.
  status started(const std::string& id, int64_t started_at_ms);
  /// The job ended (success, failed, cancelled): its snapshot is kept, its
  /// spec dropped; the history is pruned.
  status finished(const jobs::job_snapshot& job);
  /// A shutdown stopped the job while it rendered: it is queued again, its
  /// attempt not counted (the job did not kill anything).
  status requeue(const std::string& id);

  expected<std::optional<jobs::job_snapshot>> find(const std::string& id);
  expected<bool> contains(const std::string& id);
  /// The newest jobs (by submission) matching `query`.
  expected<std::vector<jobs::job_snapshot>> recent(const jobs::job_query& query);
  /// Renders of this job cut short by the process dying (0 for unknown ids).
  expected<int> attempts(const std::string& id);

private:
  struct impl;
  explicit job_store(std::unique_ptr<impl> parts, job_store_settings settings);
  std::unique_ptr<impl> impl_;
  job_store_settings settings_;
};

} // namespace vs::store

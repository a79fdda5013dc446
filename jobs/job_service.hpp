#pragma once
/// What the HTTP API needs from the job system, as plain C++: the HTTP layer
/// maps requests onto these calls and never sees an actor. The actor system
/// implements it (actors/job_service_facade) by messaging the coordinator.

#include "jobs/queue_admin.hpp"
#include "jobs/webhook_report.hpp"
#include "media/error.hpp"
#include "media/render_spec.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vs::jobs {

/// Job states as the API and Redis spell them.
enum class job_state { queued, processing, success, failed, cancelled };
const char* to_string(job_state state);
/// The state of that name ("queued" ...); none for any other text.
std::optional<job_state> job_state_named(const std::string& name);
inline bool is_final(job_state state) {
  return state == job_state::success || state == job_state::failed || state == job_state::cancelled;
}

struct job_result {
  std::string video_path;
  std::string captions_path;  ///< the .srt beside the video; empty without captions
  double duration_seconds = 0;
  int64_t file_size = 0;
  int width = 0;
  int height = 0;
  int fps = 0;
  int64_t frames = 0;
  std::string poster_path;  ///< the poster JPEG beside the video; empty: none asked for
};

/// A point-in-time copy of one job.
struct job_snapshot {
  std::string id;
  std::string source;                 ///< "http" or "redis"
  std::string tag;                    ///< opaque, from the submitter (a Redis task's fencing token)
  job_state state = job_state::queued;
  double progress = 0;                ///< 0..1
  int64_t frames_done = 0;
  int64_t frames_total = 0;
  int chunks_done = 0;                ///< a chunked job: chunks rendered so far
  int chunks_total = 0;               ///< a chunked job: its chunks; 0: rendered whole
  int64_t created_at_ms = 0;          ///< Unix epoch milliseconds
  int64_t started_at_ms = 0;          ///< 0 until it starts
  int64_t finished_at_ms = 0;         ///< 0 until it ends
  std::optional<job_result> result;   ///< set on success
  std::optional<error> failure;       ///< set on failure or cancel
  std::optional<webhook_report> webhook;  ///< the job's webhook delivery, once it has one (GET /jobs/{id})
  media::render_spec spec;
};

/// Counters for /health and /metrics.
struct service_stats {
  int running = 0;
  int queued = 0;
  int max_concurrent = 0;
  std::map<std::string, int64_t> jobs_by_state;       ///< "success" -> n, ... (all jobs ever admitted)
  int64_t frames_rendered = 0;                        ///< total since start
  int64_t chunks_rendered = 0;                        ///< chunks of chunked jobs this worker rendered
  double render_fps = 0;                              ///< frames per second over the last few seconds
  std::vector<double> duration_buckets;               ///< histogram upper bounds, seconds
  std::vector<int64_t> duration_bucket_counts;        ///< cumulative counts per bucket (Prometheus style)
  int64_t duration_count = 0;
  double duration_sum = 0;
  std::string redis_state = "disabled";               ///< "disabled", "up", "down"
  bool accepting_jobs = true;                         ///< false once shutting down (draining)
};

/// Which jobs GET /jobs lists: the newest first, at most `limit`, only
/// those in `state` when set.
struct job_query {
  size_t limit = 50;
  std::optional<job_state> state;
};

class job_service {
public:
  virtual ~job_service() = default;

  /// Queues a validated job; the service picks the output path. Returns the job id.
  virtual expected<std::string> submit(media::render_spec spec) = 0;
  virtual expected<job_snapshot> find(const std::string& id) = 0;
  /// The most recent jobs matching `query`, newest first.
  virtual std::vector<job_snapshot> recent(const job_query& query) = 0;
  std::vector<job_snapshot> recent(size_t limit) { return recent(job_query{limit, std::nullopt}); }
  /// Cancels a queued or running job; errc::conflict if it already ended.
  virtual status cancel(const std::string& id) = 0;
  /// Waits until the job ends or `timeout` passes (then returns its current snapshot).
  virtual expected<job_snapshot> wait(const std::string& id, std::chrono::milliseconds timeout) = 0;
  virtual service_stats stats() = 0;
  /// Any `task:{id}` hash in Redis, field by field (GET /tasks/{id}).
  /// Without Redis there are none: errc::not_found.
  virtual expected<std::map<std::string, std::string>> find_task(const std::string& id) {
    return make_error(errc::not_found, "no task " + id + ": Redis is not configured");
  }
  /// The shared Redis queues (GET /queues, /workers, /dead-letters);
  /// nullptr without Redis.
  virtual queue_admin* admin() { return nullptr; }
};

} // namespace vs::jobs

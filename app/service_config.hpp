#pragma once
/// Configuration of `video-service serve`: the environment first (the
/// variables PROTOCOL.md names), then command-line options override. Every
/// number is parsed strictly: digits only (no trailing junk, no wrap-around),
/// range-checked, and an error names the variable or option.

#include "media/error.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vs::app {

struct service_config {
  std::string output_dir = "/app/output";   ///< OUTPUT_DIR; results go to output_dir/video
  std::string host = "0.0.0.0";             ///< VIDEO_SERVICE_HOST
  int port = 8004;                          ///< VIDEO_SERVICE_PORT
  std::vector<std::string> media_roots;     ///< MEDIA_ROOTS, colon-separated; empty: {output_dir}
  int max_concurrent_jobs = 0;              ///< MAX_CONCURRENT_JOBS; 0: one per core
  int max_queued_jobs = 256;                ///< MAX_QUEUED_JOBS: HTTP jobs waiting; more get 429
  int64_t memory_budget_mb = 0;             ///< MEMORY_BUDGET_MB: running jobs' estimates; 0: 70% of memory
  int64_t max_job_memory_mb = 0;            ///< MAX_JOB_MEMORY_MB: one job's estimate; 0: the budget
  std::chrono::milliseconds grace{30'000};  ///< SHUTDOWN_GRACE_SECONDS: running jobs get this long on SIGTERM
  // HTTP limits (api::http_config): what one client, or many, may hold.
  int http_max_connections = 256;           ///< HTTP_MAX_CONNECTIONS: one thread each; more get 503
  int http_max_sync_waits = 128;            ///< HTTP_MAX_SYNC_WAITS: /generateVideo calls waiting; more get 429
  std::chrono::milliseconds http_request_timeout{30'000};  ///< HTTP_REQUEST_TIMEOUT_SECONDS: to send one request
  int64_t http_max_body_memory_mb = 64;     ///< HTTP_MAX_BODY_MEMORY_MB: bodies of all connections at once
  std::vector<std::string> cors_origins;    ///< CORS_ORIGINS: comma list of origins, or *; empty: none
  int64_t upload_max_mb = 512;              ///< UPLOAD_MAX_MB: one upload request (POST /uploads, multipart job)
  int upload_max_age_hours = 24;            ///< UPLOAD_MAX_AGE_HOURS: unused uploads are removed after this
  std::string log_format = "text";          ///< LOG_FORMAT: text or json (one JSON object per line)
  // Standalone mode's job store (store/job_store): not opened with Redis.
  std::string job_store_path;               ///< JOB_STORE_PATH; empty: output_dir/jobs.sqlite
  int job_history_days = 30;                ///< JOB_HISTORY_DAYS: finished jobs kept this long; 0: no age bound
  int64_t job_history_max = 10000;          ///< JOB_HISTORY_MAX: finished jobs kept at most; 0: no count bound
  // Redis: parsed and kept for the Redis intake; without REDIS_URL or
  // REDIS_HOST the service runs standalone.
  std::string redis_url;                    ///< REDIS_URL
  std::string redis_host;                   ///< REDIS_HOST
  int redis_port = 6379;                    ///< REDIS_PORT
  std::string worker_id;                    ///< WORKER_ID; empty: host-pid
  std::chrono::milliseconds lease{15'000};  ///< WORKER_LEASE_SECONDS: heartbeat TTL
  int max_attempts = 3;                     ///< MAX_ATTEMPTS: claims before a task is given up
  std::chrono::milliseconds dependency_timeout{600'000};  ///< DEPENDENCY_TIMEOUT (seconds)
  /// CHUNK_SECONDS: with Redis, a video longer than twice this is rendered
  /// in chunks of about this many seconds by every worker; 0: never.
  int chunk_seconds = 30;
  // Webhooks (docs/webhooks.md); the URL and the host list are checked when
  // `serve` starts (app/webhook_setup).
  std::string webhook_url;                  ///< WEBHOOK_URL: for jobs without a callback_url; empty: none
  std::string webhook_secret;               ///< WEBHOOK_SECRET: signs every webhook; empty: unsigned
  std::string webhook_allowed_hosts;        ///< WEBHOOK_ALLOWED_HOSTS: comma list of hosts that may be private
  std::chrono::milliseconds webhook_retry{3'600'000};   ///< WEBHOOK_RETRY_SECONDS: how long to keep retrying
  std::chrono::milliseconds webhook_timeout{10'000};    ///< WEBHOOK_TIMEOUT_SECONDS: per attempt
  std::chrono::milliseconds webhook_backoff{10'000};    ///< WEBHOOK_BACKOFF_SECONDS: the first retry's wait
  int webhook_concurrency = 4;              ///< WEBHOOK_CONCURRENCY: attempts in flight at once
  std::string webhook_ca_file;              ///< WEBHOOK_CA_FILE: trusted CAs (PEM) for https; empty: the system's

  bool redis_enabled() const { return !redis_url.empty() || !redis_host.empty(); }
  /// media_roots, or {output_dir} when none are configured.
  std::vector<std::string> effective_media_roots() const;
  /// job_store_path, or output_dir/jobs.sqlite when none is configured.
  std::string effective_job_store_path() const;
};

/// Looks a variable up; std::getenv in production, a map in tests.
using environment_lookup = std::function<const char*(const char*)>;

/// Reads the variables above; a malformed or out-of-range value is
/// errc::invalid_argument naming the variable.
expected<service_config> service_config_from_environment(const environment_lookup& lookup);

/// Sets the setting of environment variable `variable` from `text`, as
/// given under `source` (the variable itself, or the command-line option
/// that overrides it), which the error names.
status apply_setting(service_config& config, const std::string& variable, const std::string& text,
                     const std::string& source);

/// Splits "https://a.example, http://b.example:3000" (or "*") into origins;
/// errc::invalid_argument naming `source` for anything else.
expected<std::vector<std::string>> parse_origins(const std::string& text, const std::string& source);

/// Splits "a:b:c" into its non-empty parts.
std::vector<std::string> split_roots(const std::string& text);

/// Checks every range (the same as parsing does) and that output_dir is set.
status validate(const service_config& config);

} // namespace vs::app

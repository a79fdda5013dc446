#pragma once
/// Configuration of `video-service serve`: the environment first (the
/// variables PROTOCOL.md names), then command-line options override.

#include "media/error.hpp"

#include <chrono>
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
  std::chrono::milliseconds grace{30'000};  ///< SHUTDOWN_GRACE_SECONDS: running jobs get this long on SIGTERM
  // Redis: parsed and kept for the Redis intake; without REDIS_URL or
  // REDIS_HOST the service runs standalone.
  std::string redis_url;                    ///< REDIS_URL
  std::string redis_host;                   ///< REDIS_HOST
  int redis_port = 6379;                    ///< REDIS_PORT
  std::string worker_id;                    ///< WORKER_ID; empty: host-pid
  std::chrono::milliseconds lease{15'000};  ///< WORKER_LEASE_SECONDS: heartbeat TTL
  int max_attempts = 3;                     ///< MAX_ATTEMPTS: claims before a task is given up
  std::chrono::milliseconds dependency_timeout{600'000};  ///< DEPENDENCY_TIMEOUT (seconds)

  bool redis_enabled() const { return !redis_url.empty() || !redis_host.empty(); }
  /// media_roots, or {output_dir} when none are configured.
  std::vector<std::string> effective_media_roots() const;
};

/// Looks a variable up; std::getenv in production, a map in tests.
using environment_lookup = std::function<const char*(const char*)>;

/// Reads the variables above; an unparseable number is errc::invalid_argument
/// naming the variable.
expected<service_config> service_config_from_environment(const environment_lookup& lookup);

/// Splits "a:b:c" into its non-empty parts.
std::vector<std::string> split_roots(const std::string& text);

/// Checks ranges (port 1..65535, jobs ≥ 0, grace ≥ 0, output_dir set).
status validate(const service_config& config);

} // namespace vs::app

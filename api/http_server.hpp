#pragma once
/// The HTTP API (PROTOCOL.md's /health and /generateVideo, plus /jobs,
/// /metrics and video download). Maps requests onto jobs::job_service calls
/// and nothing else; it never sees an actor.
///
/// What a client cannot do to it (each bound is a setting below):
/// hold it with slow or many connections (one thread per connection up to
/// max_connections, a deadline for receiving each request, an idle limit
/// between requests), make it buffer more than max_body_bytes per request or
/// max_body_memory_bytes in all (chunked bodies included), or read files
/// outside output_dir/video. Uploads stream to disk instead (their own
/// limit, upload_max_bytes, and a deadline that grows as they arrive).

#include "jobs/job_service.hpp"
#include "media/error.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vs::api {

struct http_config {
  std::string host = "0.0.0.0";
  int port = 8004;                          ///< 0: any free port (reported through on_listening)
  std::vector<std::string> media_roots;     ///< input files must lie under one of these
  std::string output_dir;                   ///< required: videos are served from output_dir/video only
  uint64_t max_body_bytes = 1 << 20;        ///< per request, Content-Length or chunked
  uint64_t max_body_memory_bytes = 64 << 20;  ///< request bodies of all connections at once; more: 503
  uint64_t max_head_bytes = 64 << 10;       ///< request line and headers; more: 431
  std::chrono::seconds generate_timeout{3600};  ///< how long POST /generateVideo waits
  std::string version = VS_VERSION;         ///< the project's version (CMakeLists.txt)
  int max_connections = 256;                ///< served at once, one thread each; more are answered 503
  int max_sync_waits = 128;                 ///< POST /generateVideo calls waiting at once; more get 429
  /// To receive one whole request (line, headers, body) once its first byte
  /// came; a slower client gets 408 and is disconnected.
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds idle_timeout{5'000};   ///< keep-alive: an idle connection closes after this
  std::chrono::milliseconds write_timeout{5'000};  ///< a client that takes no bytes for this long is dropped
  std::chrono::seconds retry_after{5};      ///< the Retry-After of every 429 and 503 answer
  /// Origins whose web pages may call the API (CORS): "https://host[:port]"
  /// each, or "*" for any. Empty: no cross-origin access.
  std::vector<std::string> cors_origins;
  /// Uploads (POST /uploads, multipart jobs) are stored in output_dir/uploads;
  /// their bodies stream to disk, so this limit is not held in memory.
  uint64_t upload_max_bytes = 512ull << 20;        ///< one upload request's body; more: 413
  std::chrono::seconds upload_max_age{24 * 3600};  ///< unused this long: collected
  std::chrono::milliseconds upload_sweep_interval{10 * 60 * 1000};  ///< how often the sweep runs
};

/// Serves until `stop` becomes true (checked every 100 ms). Returns an error
/// if the configuration is incomplete or it cannot bind. `on_listening`
/// receives the bound port.
status run_http_server(jobs::job_service& jobs, const http_config& config, std::atomic<bool>& stop,
                       std::function<void(int port)> on_listening = {});

} // namespace vs::api

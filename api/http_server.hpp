#pragma once
/// The HTTP API (PROTOCOL.md's /health and /generateVideo, plus /jobs,
/// /metrics and video download). Maps requests onto api::job_service calls
/// and nothing else; it never sees an actor.

#include "api/job_service.hpp"
#include "media/error.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace vs::api {

struct http_config {
  std::string host = "0.0.0.0";
  int port = 8004;                          ///< 0: any free port (reported through on_listening)
  std::vector<std::string> media_roots;     ///< input files must lie under one of these
  size_t max_body_bytes = 1 << 20;
  std::chrono::seconds generate_timeout{3600};  ///< how long POST /generateVideo waits
  std::string version = "1.0.0";
  int threads = 16;                         ///< request threads; /generateVideo holds one while it waits
};

/// Serves until `stop` becomes true (checked every 100 ms). Returns an error
/// if it cannot bind. `on_listening` receives the bound port.
status run_http_server(job_service& jobs, const http_config& config, std::atomic<bool>& stop,
                       std::function<void(int port)> on_listening = {});

} // namespace vs::api

#include "api/http_server.hpp"

#include "api/http_routes.hpp"

#include <httplib.h>

#include <thread>

namespace vs::api {

status run_http_server(job_service& jobs, const http_config& config, std::atomic<bool>& stop,
                       std::function<void(int port)> on_listening) {
  media_roots roots(config.media_roots);
  httplib::Server server;
  const int threads = config.threads;
  // A synchronous /generateVideo holds its thread for the whole render, so
  // the pool is larger than the core count to keep /health answering.
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server.set_payload_max_length(config.max_body_bytes);
  server.set_read_timeout(30, 0);
  install_routes(server, jobs, config, roots);

  int port = config.port;
  if (port == 0) {
    port = server.bind_to_any_port(config.host);
    if (port < 0)
      return make_error(errc::unavailable, "cannot listen on " + config.host + " (any port)");
  } else if (!server.bind_to_port(config.host, port)) {
    return make_error(errc::unavailable, "cannot listen on " + config.host + ":" + std::to_string(port));
  }
  if (on_listening)
    on_listening(port);

  std::thread watcher([&] {
    while (!stop.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server.stop();
  });
  server.listen_after_bind();
  stop.store(true);
  watcher.join();
  return {};
}

} // namespace vs::api

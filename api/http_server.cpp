#include "api/http_server.hpp"

#include "api/http_connection.hpp"
#include "api/http_errors.hpp"
#include "api/http_framing.hpp"
#include "api/http_guards.hpp"
#include "api/http_routes.hpp"
#include "api/http_task_queue.hpp"
#include "api/http_uploads.hpp"
#include "api/request_log.hpp"
#include "jobs/upload_folder.hpp"
#include "api/upload_store.hpp"

#include <httplib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace vs::api {

namespace {

/// How long a connection thread with nothing to do lives on.
constexpr std::chrono::seconds thread_idle_exit{10};

/// httplib's server with our own connection loop. httplib 0.11 reads each
/// request with per-read time-outs only, into unbounded buffers for chunked
/// bodies, and parses Range itself; Server::process_and_close_socket is
/// the virtual hook that lets the loop run on a connection_stream instead,
/// while request parsing, routing and answers stay httplib's.
class hardened_server final : public httplib::Server {
public:
  explicit hardened_server(const http_config& config) : config_(config) {
    limits_.request_timeout = config.request_timeout;
    limits_.write_timeout = config.write_timeout;
    limits_.max_head_bytes = config.max_head_bytes;
    // httplib's default sets SO_REUSEPORT: a second server on a taken port
    // then "listens" too and the kernel splits connections between the two
    // at random. SO_REUSEADDR alone still allows a restart while old
    // connections linger in TIME_WAIT, and a taken port fails to bind.
    set_socket_options([](socket_t sock) {
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
  }

  /// httplib listens with a backlog of 5: a burst of connections (40 slow
  /// clients, a pipeline's retries) overflows it and the kernel drops SYNs,
  /// which clients retry only after a second. Listening again on the bound
  /// socket widens the queue (Linux takes the new backlog).
  void widen_backlog() { ::listen(svr_sock_, SOMAXCONN); }

  /// Ends the accept loop and every wait for a client.
  void request_stop() {
    stop_.raise();
    stop();
  }

private:
  bool stopping() const { return stop_.raised() || svr_sock_ == INVALID_SOCKET; }

  bool process_and_close_socket(socket_t sock) override {
    bool served = false;
    if (refusing_connection()) {
      refuse(sock);
    } else {
      try {
        served = serve(sock);
      } catch (...) {
        // Thrown while writing an answer (a content provider, allocation):
        // the connection ends, the server goes on.
      }
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return served;
  }

  bool serve(socket_t sock) {
    connection_stream stream(sock, limits_, stop_);
    current_connection_scope scope(stream);
    bool answered = false;
    for (size_t count = 1; count <= keep_alive_max_count_; ++count) {
      if (!stream.wait_for_request(config_.idle_timeout))
        break;
      stream.begin_request();
      bool client_closes = false;
      answered = process_request(stream, count == keep_alive_max_count_ || stopping(), client_closes,
                                 [this, &stream](httplib::Request& request) {
                                   stream.begin_body(request, check_framing(request, body_limit_for(request, config_)));
                                 });
      stream.end_request();
      if (!answered || client_closes || stream.must_close())
        break;
    }
    return answered;
  }

  /// Over max_connections: a short 503 without blocking the accepting thread.
  void refuse(socket_t sock) const {
    std::string body = error_body(make_error(
        errc::unavailable,
        "the server is serving its maximum of " + std::to_string(config_.max_connections) + " connections; retry later"));
    std::string answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nRetry-After: " +
                         std::to_string(config_.retry_after.count()) + "\r\nConnection: close\r\n\r\n" + body;
    (void)::send(sock, answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  }

  const http_config& config_;
  connection_limits limits_;
  stop_signal stop_;
};

/// The bind's errno says why; EADDRINUSE is the common case (another
/// server, or a second copy of this one, on the port).
error cannot_listen(const std::string& where, int bind_errno) {
  std::string why = bind_errno == EADDRINUSE ? "address in use (another process listens on this port)"
                    : bind_errno != 0        ? std::strerror(bind_errno)
                                             : "the address cannot be bound";
  return make_error(errc::unavailable, "cannot listen on " + where + ": " + why);
}

} // namespace

status run_http_server(jobs::job_service& jobs, const http_config& config, std::atomic<bool>& stop,
                       std::function<void(int port)> on_listening) {
  if (config.output_dir.empty())
    return make_error(errc::invalid_argument, "the HTTP server needs output_dir: videos are served from its video folder only");
  // Uploads are always an input folder of HTTP jobs.
  upload_store uploads(jobs::uploads_folder_of(config.output_dir), config.upload_max_age);
  if (auto prepared = uploads.prepare(); !prepared)
    return prepared.error();
  media_roots roots(config.media_roots, uploads.folder().string());
  hardened_server server(config);
  body_memory bodies(config.max_body_memory_bytes);
  std::atomic<int> sync_waits{0};
  const size_t max_connections = static_cast<size_t>(std::max(1, config.max_connections));
  server.new_task_queue = [max_connections] { return new elastic_task_queue(max_connections, thread_idle_exit); };
  // The limits of each body are the connection's (body_limit_for); httplib's own may not be lower.
  server.set_payload_max_length(std::max(config.max_body_bytes, config.upload_max_bytes));
  server.set_keep_alive_timeout(std::max<time_t>(1, static_cast<time_t>(config.idle_timeout.count() / 1000)));
  install_guards(server, config, bodies);
  // httplib calls this once per answer written, on the connection's thread.
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    auto* connection = current_connection();
    auto now = std::chrono::steady_clock::now();
    log_request(req, res, connection ? now - connection->request_started() : std::chrono::steady_clock::duration{});
  });
  route_registry routes(server);
  install_routes(routes, route_context{jobs, config, roots, stop, sync_waits, uploads});
  upload_sweeper sweeper(uploads, jobs, config.upload_sweep_interval);

  int port = config.port;
  errno = 0;
  if (port == 0) {
    port = server.bind_to_any_port(config.host);
    if (port < 0)
      return cannot_listen(config.host + " (any port)", errno);
  } else if (!server.bind_to_port(config.host, port)) {
    return cannot_listen(config.host + ":" + std::to_string(port), errno);
  }
  server.widen_backlog();
  if (on_listening)
    on_listening(port);

  std::thread watcher([&] {
    while (!stop.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server.request_stop();
  });
  server.listen_after_bind();
  stop.store(true);
  watcher.join();
  return {};
}

} // namespace vs::api

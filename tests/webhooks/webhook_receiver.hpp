#pragma once
/// Real webhook receivers for the tests: an httplib server on 127.0.0.1
/// that records every request and answers what the test says, and a
/// listener that never answers.

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace vs::test {

struct received_webhook {
  std::string path;
  std::string body;
  httplib::Headers headers;
  std::chrono::steady_clock::time_point at;

  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

class webhook_receiver {
public:
  /// `answer(n, request)`: the status of the n-th request (0-based).
  using answer_function = std::function<int(size_t, const received_webhook&)>;
  explicit webhook_receiver(answer_function answer = [](size_t, const received_webhook&) { return 200; })
      : answer_(std::move(answer)) {
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      size_t index;
      received_webhook request{req.path, req.body, req.headers, std::chrono::steady_clock::now()};
      {
        std::lock_guard<std::mutex> guard(mutex_);
        index = received_.size();
        received_.push_back(request);
      }
      res.status = answer_(index, request);
      res.set_content("noted", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0)
      throw std::runtime_error("the webhook receiver could not bind");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~webhook_receiver() {
    server_.stop();
    thread_.join();
  }
  webhook_receiver(const webhook_receiver&) = delete;
  webhook_receiver& operator=(const webhook_receiver&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::vector<received_webhook> received() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return received_;
  }

  /// Polls until `count` requests came; false if they did not within `timeout`.
  bool wait_for(size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(30)) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received().size() < count) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }

private:
  answer_function answer_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<received_webhook> received_;
};

/// Listens on 127.0.0.1 but never accepts: connections complete in the
/// kernel, requests go unread, no answer ever comes.
class silent_listener {
public:
  silent_listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd_, 64) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      throw std::runtime_error("the silent listener could not listen");
    port_ = ntohs(address.sin_port);
  }
  ~silent_listener() { ::close(fd_); }
  silent_listener(const silent_listener&) = delete;
  silent_listener& operator=(const silent_listener&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

private:
  int fd_ = -1;
  int port_ = 0;
};

} // namespace vs::test

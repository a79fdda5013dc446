#pragma once
/// A plain TCP client for the HTTP tests that must send what no HTTP
/// library would: bytes at 1 byte/s, duplicate Content-Length headers,
/// chunked bodies larger than the limit, and read the answer exactly as sent.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <strings.h>

namespace vs::test {

/// One parsed HTTP/1.1 answer. Header names are compared case-insensitively.
struct raw_response {
  struct ci_less {
    bool operator()(const std::string& a, const std::string& b) const { return strcasecmp(a.c_str(), b.c_str()) < 0; }
  };
  int status = 0;
  std::multimap<std::string, std::string, ci_less> headers;
  std::string body;

  size_t count(const std::string& name) const { return headers.count(name); }
  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

class raw_connection {
public:
  explicit raw_connection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  ~raw_connection() {
    if (fd_ >= 0)
      close(fd_);
  }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  /// False once the server has closed or reset the connection.
  bool send_text(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0)
        return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  /// Reads one answer (headers, then Content-Length bytes of body; for HEAD
  /// pass `head`). nullopt if the connection ends first or `timeout` passes.
  std::optional<raw_response> read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                            bool head = false) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (!fill(deadline))
        return std::nullopt;
    raw_response response;
    std::string head_text = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    size_t line_end = head_text.find("\r\n");
    std::string status_line = head_text.substr(0, line_end);
    if (status_line.size() < 12)
      return std::nullopt;
    response.status = std::stoi(status_line.substr(9, 3));
    size_t at = line_end == std::string::npos ? head_text.size() : line_end + 2;
    while (at < head_text.size()) {
      size_t end = std::min(head_text.find("\r\n", at), head_text.size());
      std::string line = head_text.substr(at, end - at);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        size_t value = line.find_first_not_of(' ', colon + 1);
        response.headers.emplace(line.substr(0, colon), value == std::string::npos ? "" : line.substr(value));
      }
      at = end + 2;
    }
    size_t length = head ? 0 : static_cast<size_t>(std::stoull("0" + response.header("Content-Length")));
    while (buffer_.size() < length)
      if (!fill(deadline))
        return std::nullopt;
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }

  /// True if the server closes (or resets) the connection within `timeout`;
  /// anything it still sends is read and dropped.
  bool closed_by_server(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        return false;
      pollfd waiting{fd_, POLLIN, 0};
      if (poll(&waiting, 1, static_cast<int>(left.count())) <= 0)
        continue;
      char chunk[4096];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0)
        return true;
    }
  }

  int fd() const { return fd_; }

private:
  bool fill(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return false;
    pollfd waiting{fd_, POLLIN, 0};
    if (poll(&waiting, 1, static_cast<int>(left.count())) <= 0)
      return false;
    char chunk[65536];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0)
      return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
};

/// Sends `request` on a fresh connection and reads the answer.
inline std::optional<raw_response> raw_exchange(int port, const std::string& request, bool head = false) {
  raw_connection connection(port);
  if (!connection.send_text(request))
    return std::nullopt;
  return connection.read_response(std::chrono::seconds(10), head);
}

struct chunked_offer {
  std::optional<raw_response> answer;
  uint64_t sent = 0;
  bool closed = false;
};

/// Sends `head` (a POST's request line and headers, Transfer-Encoding:
/// chunked among them), then chunks of up to `offered` bytes in all, and
/// stops as soon as the server answers.
inline chunked_offer offer_chunked_body(int port, const std::string& head, uint64_t offered) {
  chunked_offer offer;
  raw_connection connection(port);
  int small_buffer = 64 * 1024;
  setsockopt(connection.fd(), SOL_SOCKET, SO_SNDBUF, &small_buffer, sizeof small_buffer);
  if (!connection.send_text(head))
    return offer;
  const std::string frame = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
  size_t at = 0;
  while (offer.sent < offered) {
    pollfd waiting{connection.fd(), POLLIN | POLLOUT, 0};
    if (poll(&waiting, 1, 10'000) <= 0)
      return offer;
    if (waiting.revents & (POLLIN | POLLHUP | POLLERR))
      break;
    ssize_t n = send(connection.fd(), frame.data() + at, frame.size() - at, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      continue;
    if (n <= 0)
      break;
    offer.sent += static_cast<uint64_t>(n);
    at = (at + static_cast<size_t>(n)) % frame.size();
  }
  offer.answer = connection.read_response();
  offer.closed = connection.closed_by_server(std::chrono::seconds(2));
  return offer;
}

} // namespace vs::test

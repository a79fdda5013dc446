#pragma once
/// One client connection as the httplib::Stream that httplib reads requests
/// from and writes answers to. It enforces what httplib 0.11 does not:
/// - a deadline for receiving a whole request (request line, headers and
///   body): httplib only times out single reads, so a client sending one
///   byte a second holds a thread for ever;
/// - a byte budget for the request head, and one for the body (httplib
///   reads a chunked body without any limit, and buffers a header line of
///   any length before checking it);
/// - Range header lines are kept from httplib, whose own range handling
///   would answer 416 on any route or multiply a body by the ranges asked
///   for; the routes get them back through begin_body and apply RFC 9110
///   themselves (api/http_range.hpp).

#include "api/http_framing.hpp"
#include "api/stop_signal.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vs::api {

struct connection_limits {
  std::chrono::milliseconds request_timeout{30'000};  ///< to receive one whole request
  std::chrono::milliseconds write_timeout{5'000};     ///< longest wait for the client to take more
  uint64_t max_head_bytes = 64 * 1024;                ///< request line and headers
  /// Chunk-size lines and CRLFs a chunked body may add on top of its data.
  uint64_t chunk_framing_bytes = 64 * 1024;
  /// A streamed body (an upload) may take longer than request_timeout: each
  /// byte received adds the time it takes at this rate, so a client that
  /// sends at least this fast is never cut off and a trickle still is.
  uint64_t streamed_bytes_per_second = 64 * 1024;
};

/// Why reading a request stopped short.
enum class connection_fault { none, timed_out, head_too_large, body_too_large, server_stopping };

/// Request-body bytes all connections together may hold in memory at once.
class body_memory {
public:
  explicit body_memory(uint64_t capacity) : free_(capacity) {}
  bool take(uint64_t bytes);
  void give_back(uint64_t bytes) { free_.fetch_add(bytes); }

private:
  std::atomic<uint64_t> free_;
};

class connection_stream final : public httplib::Stream {
public:
  /// Every wait for the client also ends when `stop` is raised, so that a
  /// slow client does not hold a stopping server for its whole deadline.
  connection_stream(int fd, const connection_limits& limits, const stop_signal& stop);
  ~connection_stream() override;
  connection_stream(const connection_stream&) = delete;
  connection_stream& operator=(const connection_stream&) = delete;

  /// Waits up to `idle` for the first byte of the next request. False if
  /// the client closed, or on time-out or stop.
  bool wait_for_request(std::chrono::milliseconds idle);
  /// Starts a request: the head budget, the deadline, no fault.
  void begin_request();
  /// When the current request's first byte was seen (for its log line).
  std::chrono::steady_clock::time_point request_started() const { return started_; }
  /// The head has been parsed: gives the Range lines back to `request` and
  /// sets the body budget from `framing` (its limit, and for a streamed
  /// body a deadline that grows as the body arrives).
  void begin_body(httplib::Request& request, const request_framing& framing);
  /// Holds `bytes` of `memory` until the request ends; false if there is
  /// not that much free.
  bool hold_body_memory(body_memory& memory, uint64_t bytes);
  /// The answer is written: the body memory goes back.
  void end_request() { release_body_memory(); }

  /// The framing begin_body was given (refusal included).
  const request_framing& framing() const { return framing_; }
  connection_fault fault() const { return fault_; }
  /// The connection closes after the answer being written (a body was left
  /// unread, or the request was broken).
  void close_after_answer() { must_close_ = true; }
  bool must_close() const { return must_close_ || fault_ != connection_fault::none; }

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return fd_; }

private:
  /// Receives more bytes before the deadline; false on time-out (fault
  /// set), error or end of stream.
  bool fill();
  /// Moves the next head line to head_out_ (or keeps it, if it is a Range
  /// line). 1: a line was taken, 0: end of stream, -1: fault.
  int next_head_line();
  ssize_t read_body(char* ptr, size_t size);
  void release_body_memory();

  /// Waits up to `limit` for `events` on the client, or for the stop.
  /// > 0 ready, 0 timed out or stopping, < 0 error.
  int wait_until_ready(short events, std::chrono::steady_clock::time_point limit) const;

  int fd_;
  connection_limits limits_;
  const stop_signal& stop_;
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::time_point started_;
  std::string raw_;             ///< received and not yet handed to httplib
  size_t raw_pos_ = 0;
  std::string head_out_;        ///< the head line httplib is reading
  size_t head_out_pos_ = 0;
  bool in_head_ = false;
  uint64_t head_left_ = 0;
  size_t head_lines_ = 0;
  std::vector<std::string> range_values_;
  request_framing framing_;
  uint64_t body_left_ = 0;
  connection_fault fault_ = connection_fault::none;
  bool must_close_ = false;
  body_memory* held_from_ = nullptr;
  uint64_t held_ = 0;
};

/// The connection whose request this thread is serving, or nullptr.
/// httplib calls the routing, error and route handlers on the thread that
/// serves the connection and gives them no other way to reach it.
connection_stream* current_connection();

/// Makes `stream` the current connection of this thread for its lifetime.
class current_connection_scope {
public:
  explicit current_connection_scope(connection_stream& stream);
  ~current_connection_scope();
  current_connection_scope(const current_connection_scope&) = delete;
  current_connection_scope& operator=(const current_connection_scope&) = delete;

private:
  connection_stream* previous_;
};

} // namespace vs::api

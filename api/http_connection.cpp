#include "api/http_connection.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

namespace vs::api {

namespace {

thread_local connection_stream* current = nullptr;

using clock_type = std::chrono::steady_clock;

/// poll() for `events` up to `timeout`; > 0 ready, 0 timed out, < 0 error.
int wait_for(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd waiting{fd, events, 0};
  for (;;) {
    int ready = ::poll(&waiting, 1, static_cast<int>(std::max<int64_t>(0, timeout.count())));
    if (ready >= 0 || errno != EINTR)
      return ready;
  }
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

std::string_view trim_line(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  return text;
}

void address_of(int fd, bool peer, std::string& ip, int& port) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  int got = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length)
                 : ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  if (got != 0)
    return;
  char text[INET6_ADDRSTRLEN] = {0};
  if (address.ss_family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    port = ntohs(v4->sin_port);
  } else if (address.ss_family == AF_INET6) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    port = ntohs(v6->sin6_port);
  }
  ip = text;
}

} // namespace

bool body_memory::take(uint64_t bytes) {
  uint64_t available = free_.load();
  while (available >= bytes)
    if (free_.compare_exchange_weak(available, available - bytes))
      return true;
  return false;
}

connection_stream::connection_stream(int fd, const connection_limits& limits, const stop_signal& stop)
    : fd_(fd), limits_(limits), stop_(stop) {}

connection_stream::~connection_stream() { release_body_memory(); }

int connection_stream::wait_until_ready(short events, clock_type::time_point limit) const {
  pollfd waiting[2] = {{fd_, events, 0}, {stop_.fd(), POLLIN, 0}};
  for (;;) {
    if (stop_.raised())
      return 0;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(limit - clock_type::now()).count();
    if (left <= 0)
      return 0;
    // Without a stop descriptor, wake up now and then to look at the flag.
    int timeout = static_cast<int>(std::min<int64_t>(left, stop_.fd() >= 0 ? INT32_MAX : 100));
    int ready = ::poll(waiting, stop_.fd() >= 0 ? 2 : 1, timeout);
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready < 0)
      return ready;
    if (waiting[0].revents != 0)
      return 1;
  }
}

bool connection_stream::wait_for_request(std::chrono::milliseconds idle) {
  if (raw_pos_ < raw_.size())
    return true;  // the client sent the next request already (pipelining)
  if (wait_until_ready(POLLIN, clock_type::now() + idle) <= 0)
    return false;
  char probe;
  return ::recv(fd_, &probe, 1, MSG_PEEK) > 0;
}

void connection_stream::begin_request() {
  release_body_memory();
  started_ = clock_type::now();
  deadline_ = started_ + limits_.request_timeout;
  head_out_.clear();
  head_out_pos_ = 0;
  in_head_ = true;
  head_left_ = limits_.max_head_bytes;
  head_lines_ = 0;
  range_values_.clear();
  framing_ = request_framing{};
  body_left_ = 0;
  fault_ = connection_fault::none;
}

void connection_stream::begin_body(httplib::Request& request, const request_framing& framing) {
  for (auto& value : range_values_)
    request.headers.emplace("Range", std::move(value));
  range_values_.clear();
  framing_ = framing;
  if (framing.refusal)
    framing_.kind = body_framing::none;  // refused: not a byte of the body is read
  switch (framing_.kind) {
    case body_framing::none: body_left_ = 0; break;
    case body_framing::length: body_left_ = framing.length; break;
    case body_framing::chunked: body_left_ = framing.limit.max_bytes + limits_.chunk_framing_bytes; break;
  }
}

bool connection_stream::hold_body_memory(body_memory& memory, uint64_t bytes) {
  release_body_memory();
  if (!memory.take(bytes))
    return false;
  held_from_ = &memory;
  held_ = bytes;
  return true;
}

void connection_stream::release_body_memory() {
  if (held_from_)
    held_from_->give_back(held_);
  held_from_ = nullptr;
  held_ = 0;
}

bool connection_stream::fill() {
  if (raw_pos_ == raw_.size()) {
    raw_.clear();
    raw_pos_ = 0;
  } else if (raw_pos_ > 64 * 1024) {
    raw_.erase(0, raw_pos_);
    raw_pos_ = 0;
  }
  if (wait_until_ready(POLLIN, deadline_) == 0) {
    fault_ = stop_.raised() ? connection_fault::server_stopping : connection_fault::timed_out;
    return false;
  }
  char chunk[16 * 1024];
  ssize_t n;
  do {
    n = ::recv(fd_, chunk, sizeof chunk, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0)
    return false;
  raw_.append(chunk, static_cast<size_t>(n));
  return true;
}

int connection_stream::next_head_line() {
  size_t end;
  while ((end = raw_.find('\n', raw_pos_)) == std::string::npos) {
    if (raw_.size() - raw_pos_ > head_left_) {
      fault_ = connection_fault::head_too_large;
      return -1;
    }
    if (!fill()) {
      if (fault_ != connection_fault::none)
        return -1;
      if (raw_pos_ == raw_.size())
        return 0;
      // The client closed mid-line: hand over what came; httplib refuses it.
      head_out_.assign(raw_, raw_pos_, std::string::npos);
      head_out_pos_ = 0;
      raw_pos_ = raw_.size();
      return 1;
    }
  }
  size_t length = end + 1 - raw_pos_;
  if (length > head_left_) {
    fault_ = connection_fault::head_too_large;
    return -1;
  }
  head_left_ -= length;
  std::string_view line(raw_.data() + raw_pos_, length);
  raw_pos_ = end + 1;
  bool request_line = head_lines_++ == 0;
  if (!request_line && line == "\r\n") {
    in_head_ = false;  // httplib ends the head at the first CRLF-only line too
  } else if (!request_line && starts_with_ignoring_case(line, "range:")) {
    range_values_.emplace_back(trim_line(line.substr(6)));
    return 1;
  }
  head_out_.assign(line);
  head_out_pos_ = 0;
  return 1;
}

ssize_t connection_stream::read(char* ptr, size_t size) {
  if (size == 0)
    return 0;
  while (head_out_pos_ == head_out_.size() && in_head_) {
    head_out_.clear();
    head_out_pos_ = 0;
    int taken = next_head_line();
    if (taken <= 0)
      return taken;
  }
  if (head_out_pos_ < head_out_.size()) {
    size_t n = std::min(size, head_out_.size() - head_out_pos_);
    std::memcpy(ptr, head_out_.data() + head_out_pos_, n);
    head_out_pos_ += n;
    return static_cast<ssize_t>(n);
  }
  return read_body(ptr, size);
}

ssize_t connection_stream::read_body(char* ptr, size_t size) {
  if (body_left_ == 0) {
    if (framing_.kind == body_framing::chunked) {
      fault_ = connection_fault::body_too_large;
      return -1;
    }
    return 0;  // no body, or all of it was read: the request ends here
  }
  if (raw_pos_ == raw_.size() && !fill())
    return -1;
  size_t n = std::min<uint64_t>({size, raw_.size() - raw_pos_, body_left_});
  std::memcpy(ptr, raw_.data() + raw_pos_, n);
  raw_pos_ += n;
  body_left_ -= n;
  if (framing_.limit.streamed && limits_.streamed_bytes_per_second > 0)
    deadline_ += std::chrono::microseconds(n * 1'000'000 / limits_.streamed_bytes_per_second);
  return static_cast<ssize_t>(n);
}

bool connection_stream::is_readable() const {
  return head_out_pos_ < head_out_.size() || raw_pos_ < raw_.size() ||
         wait_for(fd_, POLLIN, std::chrono::milliseconds(0)) > 0;
}

bool connection_stream::is_writable() const { return wait_for(fd_, POLLOUT, limits_.write_timeout) > 0; }

ssize_t connection_stream::write(const char* ptr, size_t size) {
  if (wait_for(fd_, POLLOUT, limits_.write_timeout) <= 0)
    return -1;
  ssize_t n;
  do {
    n = ::send(fd_, ptr, size, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n;
}

void connection_stream::get_remote_ip_and_port(std::string& ip, int& port) const { address_of(fd_, true, ip, port); }

void connection_stream::get_local_ip_and_port(std::string& ip, int& port) const { address_of(fd_, false, ip, port); }

connection_stream* current_connection() { return current; }

current_connection_scope::current_connection_scope(connection_stream& stream) : previous_(current) {
  current = &stream;
}

current_connection_scope::~current_connection_scope() { current = previous_; }

} // namespace vs::api

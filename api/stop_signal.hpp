#pragma once
/// A one-way "the server is stopping" flag that threads blocked in poll()
/// can wait on: an eventfd that becomes readable for good once raised. The
/// HTTP connection threads wait for their client and for this together, so
/// they need no periodic wake-ups (250 idle connections polling every
/// 100 ms made /health slow on a busy machine) and still end at once on stop.

#include <atomic>

namespace vs::api {

class stop_signal {
public:
  stop_signal();
  ~stop_signal();
  stop_signal(const stop_signal&) = delete;
  stop_signal& operator=(const stop_signal&) = delete;

  void raise();
  bool raised() const { return raised_.load(); }
  /// Readable once raised (never read from, so it stays readable); -1 if
  /// the descriptor could not be made, then waiters fall back to time-outs.
  int fd() const { return fd_; }

private:
  int fd_;
  std::atomic<bool> raised_{false};
};

} // namespace vs::api

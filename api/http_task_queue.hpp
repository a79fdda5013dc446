#pragma once
/// The task queue the HTTP server runs connections on: one thread per
/// connection, up to `max_threads`. httplib's default is a fixed pool (16
/// here before): 16 clients sending headers at 1 byte/s, or 16 synchronous
/// /generateVideo calls, held every thread and /health went unanswered.
/// Here no connection waits behind another; at the cap a connection is run
/// at once on the accepting thread with refusing_connection() true, and the
/// server answers it 503 without blocking and closes it. Threads idle for
/// `idle_exit` end, so a burst does not leave its threads behind.

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace vs::api {

class elastic_task_queue final : public httplib::TaskQueue {
public:
  elastic_task_queue(size_t max_threads, std::chrono::milliseconds idle_exit);
  ~elastic_task_queue() override;

  void enqueue(std::function<void()> task) override;
  /// Runs what is queued, then waits for every thread to end.
  void shutdown() override;

  /// Threads alive now (busy or idle).
  size_t threads() const;

private:
  void work();
  /// Moves the threads that have ended out, to be joined without the lock.
  std::vector<std::thread> take_finished();

  const size_t max_threads_;
  const std::chrono::milliseconds idle_exit_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable ended_;
  std::deque<std::function<void()>> tasks_;
  std::map<std::thread::id, std::thread> threads_;
  std::vector<std::thread::id> finished_;
  size_t alive_ = 0;
  size_t idle_ = 0;
  bool stopping_ = false;
};

/// True while elastic_task_queue runs a connection it has no thread for.
bool refusing_connection();

} // namespace vs::api

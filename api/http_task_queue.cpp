#include "api/http_task_queue.hpp"

namespace vs::api {

namespace {

thread_local bool refusing = false;

void run(const std::function<void()>& task) {
  // A connection task never throws (the server catches everything); this is
  // the last line so that a thread can never take the process down.
  try {
    task();
  } catch (...) {
  }
}

} // namespace

bool refusing_connection() { return refusing; }

elastic_task_queue::elastic_task_queue(size_t max_threads, std::chrono::milliseconds idle_exit)
    : max_threads_(std::max<size_t>(1, max_threads)), idle_exit_(idle_exit) {}

elastic_task_queue::~elastic_task_queue() { shutdown(); }

size_t elastic_task_queue::threads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return alive_;
}

std::vector<std::thread> elastic_task_queue::take_finished() {
  std::vector<std::thread> done;
  for (auto id : finished_) {
    auto found = threads_.find(id);
    done.push_back(std::move(found->second));
    threads_.erase(found);
  }
  finished_.clear();
  return done;
}

void elastic_task_queue::enqueue(std::function<void()> task) {
  std::vector<std::thread> done;
  bool refuse = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done = take_finished();
    if (stopping_) {
      refuse = true;
    } else if (tasks_.size() < idle_) {
      tasks_.push_back(std::move(task));
      wake_.notify_one();
    } else if (alive_ < max_threads_) {
      tasks_.push_back(std::move(task));
      ++alive_;
      std::thread thread([this] { work(); });
      threads_.emplace(thread.get_id(), std::move(thread));
    } else {
      refuse = true;
    }
  }
  for (auto& thread : done)
    thread.join();
  if (refuse) {
    refusing = true;
    run(task);
    refusing = false;
  }
}

void elastic_task_queue::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    ++idle_;
    bool woken = wake_.wait_for(lock, idle_exit_, [this] { return !tasks_.empty() || stopping_; });
    --idle_;
    if (!tasks_.empty()) {
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      run(task);
      task = nullptr;  // the connection's captures go now, not at the next wake-up
      lock.lock();
      continue;
    }
    if (stopping_ || !woken)
      break;
  }
  --alive_;
  finished_.push_back(std::this_thread::get_id());
  ended_.notify_all();
}

void elastic_task_queue::shutdown() {
  std::vector<std::thread> done;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
    ended_.wait(lock, [this] { return alive_ == 0; });
    done = take_finished();
  }
  for (auto& thread : done)
    thread.join();
}

} // namespace vs::api

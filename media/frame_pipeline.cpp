#include "media/frame_pipeline.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace vs::media {

namespace {

class ordered_ring {
public:
  ordered_ring(const frame_pipeline_settings& settings, std::vector<video_frame> frames)
      : settings_(settings), frames_(std::move(frames)), ready_(frames_.size(), false) {}

  /// The next frame a worker may render, or nothing when the work is over.
  std::optional<int64_t> claim() {
    std::unique_lock<std::mutex> lock(mutex_);
    slot_free_.wait(lock, [&] {
      return failed_ || next_claim_ >= settings_.frame_count ||
             (next_claim_ < consumed_ + ring_size() &&
              (!settings_.consumed_before || consumed_ >= settings_.consumed_before(next_claim_)));
    });
    if (failed_ || next_claim_ >= settings_.frame_count)
      return std::nullopt;
    return next_claim_++;
  }

  video_frame& slot(int64_t index) { return frames_[static_cast<size_t>(index % ring_size())]; }

  void mark_ready(int64_t index) {
    std::lock_guard<std::mutex> lock(mutex_);
    ready_[static_cast<size_t>(index % ring_size())] = true;
    frame_ready_.notify_all();
  }

  /// Waits for frame `index`; false if the pipeline failed meanwhile.
  bool wait_ready(int64_t index) {
    std::unique_lock<std::mutex> lock(mutex_);
    frame_ready_.wait(lock, [&] { return failed_ || ready_[static_cast<size_t>(index % ring_size())]; });
    return !failed_;
  }

  void mark_consumed(int64_t index) {
    std::lock_guard<std::mutex> lock(mutex_);
    ready_[static_cast<size_t>(index % ring_size())] = false;
    consumed_ = index + 1;
    slot_free_.notify_all();
  }

  void fail(error cause) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failed_) {
      failed_ = true;
      failure_ = std::move(cause);
    }
    slot_free_.notify_all();
    frame_ready_.notify_all();
  }

  std::optional<error> failure() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failed_)
      return failure_;
    return std::nullopt;
  }

private:
  int64_t ring_size() const { return static_cast<int64_t>(frames_.size()); }

  const frame_pipeline_settings& settings_;
  std::vector<video_frame> frames_;
  std::vector<bool> ready_;
  std::mutex mutex_;
  std::condition_variable slot_free_;
  std::condition_variable frame_ready_;
  int64_t next_claim_ = 0;
  int64_t consumed_ = 0;
  bool failed_ = false;
  error failure_;
};

void render_worker(ordered_ring& ring, const frame_producer& produce, int worker) {
  try {
    while (auto index = ring.claim()) {
      video_frame& frame = ring.slot(*index);
      if (auto writable = frame.make_writable(); !writable)
        return ring.fail(writable.error());
      if (auto produced = produce(*index, frame.view(), worker); !produced)
        return ring.fail(produced.error());
      ring.mark_ready(*index);
    }
  } catch (const std::exception& e) {
    ring.fail(make_error(errc::internal, std::string("render thread failed: ") + e.what()));
  }
}

} // namespace

status run_frame_pipeline(const frame_pipeline_settings& settings, const frame_producer& produce,
                          const frame_consumer& consume, const std::atomic<bool>* cancel) {
  int threads = std::max(1, settings.threads);
  int ring_size = std::max(settings.ring_size, threads + 1);
  std::vector<video_frame> frames;
  for (int i = 0; i < ring_size; ++i) {
    auto frame = video_frame::allocate(settings.width, settings.height);
    if (!frame)
      return frame.error();
    frames.push_back(std::move(*frame));
  }

  ordered_ring ring(settings, std::move(frames));
  std::vector<std::thread> workers;
  for (int worker = 0; worker < threads; ++worker)
    workers.emplace_back(render_worker, std::ref(ring), std::cref(produce), worker);

  for (int64_t index = 0; index < settings.frame_count; ++index) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      ring.fail(make_error(errc::cancelled, "the job was cancelled"));
      break;
    }
    if (!ring.wait_ready(index))
      break;
    if (auto consumed = consume(index, ring.slot(index)); !consumed) {
      ring.fail(consumed.error());
      break;
    }
    ring.mark_consumed(index);
  }
  for (auto& worker : workers)
    worker.join();
  if (auto failure = ring.failure())
    return *failure;
  return {};
}

} // namespace vs::media

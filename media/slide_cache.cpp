#include "media/slide_cache.hpp"

#include <algorithm>

namespace vs::media {

slide_cache::slide_cache(int slide_count, loader load, int window)
    : load_(std::move(load)), window_(std::max(2, window)), entries_(static_cast<size_t>(slide_count)) {}

expected<slide_image> slide_cache::get(int slide) {
  std::unique_lock<std::mutex> lock(mutex_);
  entry& wanted = entries_.at(static_cast<size_t>(slide));
  loaded_.wait(lock, [&] { return wanted.current != state::loading; });
  switch (wanted.current) {
    case state::ready: return wanted.image;
    case state::failed: return wanted.failure;
    case state::loading:
    case state::empty: break;
  }
  if (slide < oldest_) {
    // Released already: served, but not kept, or it would stay for the rest of the job.
    lock.unlock();
    return load_(slide);
  }
  wanted.current = state::loading;
  peak_resident_ = std::max(peak_resident_, ++resident_);
  lock.unlock();
  // Decoding and resampling take tens of milliseconds: never under the lock.
  auto result = load_(slide);
  lock.lock();
  if (!result) {
    wanted.current = state::failed;
    wanted.failure = result.error();
    --resident_;
  } else if (slide < oldest_) {
    // The release pass went by while it loaded: kept, nothing would release it.
    wanted.current = state::empty;
    --resident_;
  } else {
    wanted.current = state::ready;
    wanted.image = *result;
  }
  loaded_.notify_all();
  return result;
}

void slide_cache::prefetch(int slide) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (slide < oldest_ || slide >= oldest_ + window_ || slide >= static_cast<int>(entries_.size()) ||
        entries_[static_cast<size_t>(slide)].current != state::empty)
      return;
  }
  // Another thread may start it meanwhile: get() then waits for that load.
  get(slide);
}

void slide_cache::release_before(int slide) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (int i = oldest_; i < slide && i < static_cast<int>(entries_.size()); ++i) {
    entry& old = entries_[static_cast<size_t>(i)];
    if (old.current == state::ready) {
      old.current = state::empty;
      old.image.reset();
      --resident_;
    }
  }
  oldest_ = std::max(oldest_, slide);
}

int slide_cache::resident_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return resident_;
}

int slide_cache::peak_resident_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return peak_resident_;
}

} // namespace vs::media

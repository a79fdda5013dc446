#include "media/slide_cache.hpp"

namespace vs::media {

slide_cache::slide_cache(int slide_count, loader load)
    : load_(std::move(load)), entries_(static_cast<size_t>(slide_count)) {}

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
  wanted.current = state::loading;
  lock.unlock();
  // Decoding and resampling take tens of milliseconds: never under the lock.
  auto result = load_(slide);
  lock.lock();
  if (result) {
    wanted.current = state::ready;
    wanted.image = *result;
  } else {
    wanted.current = state::failed;
    wanted.failure = result.error();
  }
  loaded_.notify_all();
  return result;
}

void slide_cache::release_before(int slide) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (int i = 0; i < slide && i < static_cast<int>(entries_.size()); ++i) {
    entry& old = entries_[static_cast<size_t>(i)];
    if (old.current == state::ready) {
      old.current = state::empty;
      old.image.reset();
    }
  }
}

int slide_cache::resident_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int count = 0;
  for (const entry& e : entries_)
    count += e.image != nullptr ? 1 : 0;
  return count;
}

} // namespace vs::media

#pragma once
/// Working images of one job's slides, each prepared at most once, shared
/// read-only between render threads, and dropped as soon as no frame still to
/// be rendered needs it, so memory holds a few slides, not the whole show.

#include "media/error.hpp"
#include "media/yuv.hpp"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace vs::media {

using slide_image = std::shared_ptr<const yuv_image>;

class slide_cache {
public:
  using loader = std::function<expected<slide_image>(int slide)>;

  slide_cache(int slide_count, loader load);

  /// Slide `slide`, prepared on the calling thread if no one has started it;
  /// concurrent callers for the same slide wait for that one load.
  expected<slide_image> get(int slide);

  /// Forgets slides before `slide`; a later get() of one of them loads it again.
  void release_before(int slide);

  /// How many slides are held right now (for tests and metrics).
  int resident_count() const;

private:
  enum class state { empty, loading, ready, failed };
  struct entry {
    state current = state::empty;
    slide_image image;
    error failure;
  };

  loader load_;
  mutable std::mutex mutex_;
  std::condition_variable loaded_;
  std::vector<entry> entries_;
};

} // namespace vs::media

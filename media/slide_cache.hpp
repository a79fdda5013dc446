#pragma once
/// Working images of one job's slides, each prepared at most once, shared
/// read-only between render threads, and dropped as soon as no frame still to
/// be rendered needs it. The caller keeps every slide it gets within a
/// window of `window` slides from the oldest not yet released (render_job
/// starts a frame only when its slides are: frame_pipeline's
/// consumed_before), and prefetch() never loads past it, so memory holds at
/// most `window` working images however many and however short the slides.

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

  /// The two slides a crossfade shows and the next one, as the service's
  /// job runner holds them (actors/job_runner.hpp, slide_window).
  static constexpr int default_window = 3;

  slide_cache(int slide_count, loader load, int window = default_window);

  /// Slide `slide`, prepared on the calling thread if no one has started it;
  /// concurrent callers for the same slide wait for that one load.
  expected<slide_image> get(int slide);

  /// Prepares `slide` ahead of its frames if it lies within the window and
  /// no one has started it; otherwise returns at once. Errors are kept for
  /// the get() that needs the slide.
  void prefetch(int slide);

  /// Forgets slides before `slide` and moves the window to start there; a
  /// later get() of one of them loads it again without keeping it.
  void release_before(int slide);

  /// How many slides are held right now, and the most held at once (for tests and metrics).
  int resident_count() const;
  int peak_resident_count() const;

private:
  enum class state { empty, loading, ready, failed };
  struct entry {
    state current = state::empty;
    slide_image image;
    error failure;
  };

  loader load_;
  const int window_;
  mutable std::mutex mutex_;
  std::condition_variable loaded_;
  std::vector<entry> entries_;
  int oldest_ = 0;    ///< slides before this were released
  int resident_ = 0;  ///< entries loading or ready
  int peak_resident_ = 0;
};

} // namespace vs::media

#include "media/captions/caption_memory.hpp"

#include "media/captions/caption_layout.hpp"

#include <algorithm>
#include <cmath>

namespace vs::media::captions {

namespace {

constexpr int64_t mib = 1 << 20;
/// fontconfig's configuration and font list, once per process.
constexpr int64_t shared_bytes = 4 * mib;
/// A libass renderer with its fonts loaded and its caches at the limits
/// caption_painter sets, beyond the pictures it draws (measured 8-14 MB).
constexpr int64_t renderer_bytes = 16 * mib;
/// Caption pictures alive per thread, in units of the largest one: libass's
/// own images of it (fill, outline, box) and the blended overlay, old and new
/// (fitted to the measurements: 4-5.2 at every size tried).
constexpr int pictures_per_thread = 6;
/// The laid-out script per cue or word (ASS event, cue, frame range:
/// measured 2 KB), and each thread's parsed copy of it.
constexpr int64_t item_bytes = 3 << 10;
constexpr int64_t item_bytes_per_thread = 1 << 10;
/// A file's cue count is known only once it is read: at most this many a
/// second of video (word timings come ~3 a second), at most the limit.
constexpr double items_per_second = 4.0;
/// Plain text becomes phrases of at least this many bytes.
constexpr int64_t text_bytes_per_phrase = 16;

int64_t caption_items(const caption_request& request, double video_seconds) {
  const auto by_length = static_cast<int64_t>(std::ceil(std::max(0.0, video_seconds) * items_per_second));
  const int64_t limit = caption_limits{}.max_cues;
  if (!request.cues.empty() || !request.words.empty())
    return static_cast<int64_t>(request.cues.size() + request.words.size());
  if (!request.text.empty())
    return std::min(static_cast<int64_t>(request.text.size()) / text_bytes_per_phrase + 1, limit);
  return std::min(by_length, limit);
}

} // namespace

int64_t caption_memory_bytes(const caption_request& request, int width, int height, int render_threads,
                             double video_seconds) {
  if (!request.requested())
    return 0;
  const int threads = std::max(1, render_threads);
  const int64_t per_thread = renderer_bytes + pictures_per_thread * overlay_bytes_bound(request.style, width, height);
  const int64_t items = caption_items(request, video_seconds);
  return shared_bytes + threads * per_thread + items * (item_bytes + threads * item_bytes_per_thread);
}

} // namespace vs::media::captions

#include "media/chunk_plan.hpp"

#include <algorithm>
#include <cmath>

namespace vs::media {

std::vector<frame_range> split_into_chunks(int64_t frames, int fps, int chunk_seconds) {
  std::vector<frame_range> chunks;
  if (chunk_seconds <= 0 || fps <= 0)
    return chunks;
  const int64_t chunk_frames = static_cast<int64_t>(chunk_seconds) * fps;
  if (frames <= 2 * chunk_frames)
    return chunks;
  const int64_t count =
      std::max<int64_t>(2, std::llround(static_cast<double>(frames) / static_cast<double>(chunk_frames)));
  // The first `frames % count` chunks take one frame more.
  const int64_t base = frames / count;
  const int64_t longer = frames % count;
  int64_t first = 0;
  for (int64_t i = 0; i < count; ++i) {
    int64_t size = base + (i < longer ? 1 : 0);
    chunks.push_back({first, first + size});
    first += size;
  }
  return chunks;
}

} // namespace vs::media

#pragma once
/// How a long video is cut into chunks that several workers render at once:
/// contiguous frame ranges of about `chunk_seconds` each. Frame k is a pure
/// function of (job, k), so any range can be rendered anywhere.

#include <cstdint>
#include <vector>

namespace vs::media {

/// Frames [first, end).
struct frame_range {
  int64_t first = 0;
  int64_t end = 0;

  int64_t size() const { return end - first; }
  bool operator==(const frame_range& other) const { return first == other.first && end == other.end; }
};

/// The chunks of a video of `frames` frames at `fps`: none (render it whole)
/// when `chunk_seconds` is 0 or the video is not longer than two chunks;
/// otherwise ranges covering [0, frames) in order, as equal as frames allow,
/// each as close to `chunk_seconds` as a whole number of them permits.
std::vector<frame_range> split_into_chunks(int64_t frames, int fps, int chunk_seconds);

} // namespace vs::media

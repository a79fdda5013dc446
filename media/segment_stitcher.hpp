#pragma once
/// Joins the segments of a chunked render (media/render_chunk) and the
/// narration, encoded once, into the final MP4 by stream copy: no video is
/// re-encoded. Each segment's packets are shifted to its first frame's
/// place in the video, so timestamps run on without a gap or a repeat
/// across every join, exactly as one encode would have numbered them. The
/// result is written under a temporary name, `+faststart`, and renamed into
/// place whole.

#include "media/audio_encode.hpp"
#include "media/chunk_plan.hpp"
#include "media/error.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vs::media {

struct stitch_segment {
  std::string path;
  frame_range range;  ///< the frames it holds
};

struct stitch_result {
  int64_t frames = 0;
  int64_t file_size = 0;
  double elapsed_seconds = 0;
};

/// Writes `output_path` from `segments` (in order; their ranges must cover
/// [0, N) without gap or overlap) at `fps`, with `audio` (null: silent).
/// Refuses a segment that is missing, holds another number of frames than
/// its range, does not open with a key frame, or was encoded with other
/// settings than the first (its codec header differs).
expected<stitch_result> stitch_segments(const std::vector<stitch_segment>& segments, int fps,
                                        std::shared_ptr<const encoded_audio> audio, const std::string& output_path,
                                        const std::atomic<bool>* cancel = nullptr);

} // namespace vs::media

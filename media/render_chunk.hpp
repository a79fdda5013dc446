#pragma once
/// One chunk of a long video: frames [first, end) of the job, encoded with
/// the job's settings by an encoder of their own into a video-only MP4
/// segment. The segment is a closed GOP opening with an IDR frame, so
/// segments join by stream copy (media/segment_stitcher). Written under a
/// temporary name and renamed into place whole (media/output_file).

#include "media/chunk_plan.hpp"
#include "media/error.hpp"
#include "media/frame_range_render.hpp"
#include "media/render_spec.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace vs::media {

struct chunk_result {
  std::string path;
  int64_t frames = 0;
  int64_t file_size = 0;
  double elapsed_seconds = 0;
};

/// Renders `range` of the video `spec` describes, whose narration lasts
/// `audio_seconds` (none: a silent video), into `segment_path`.
/// `spec.output_path` is not used. Progress counts the range's frames.
/// `captions` (null: none) are the job's prepared layout (its owner's).
expected<chunk_result> render_chunk(const render_spec& spec, const render_limits& limits,
                                    std::optional<double> audio_seconds, frame_range range,
                                    const std::string& segment_path, const render_callbacks& callbacks = {},
                                    std::shared_ptr<const captions::caption_layout> captions = nullptr);

} // namespace vs::media

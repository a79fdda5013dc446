#pragma once
/// The heart of a render, shared by a whole video and by one chunk of it:
/// frames [first, end) of a timeline drawn on a pool of render threads and
/// encoded in order. A chunk's encoder starts at the range's first frame, so
/// the range comes out as a closed GOP opening with an IDR frame.

#include "media/audio_encode.hpp"
#include "media/chunk_plan.hpp"
#include "media/error.hpp"
#include "media/image_decode.hpp"
#include "media/render_spec.hpp"
#include "media/root_folders.hpp"
#include "media/timeline.hpp"
#include "media/video_encoder.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace vs::media {

struct render_callbacks {
  /// Called from the encoding thread after each frame: frames done, total.
  std::function<void(int64_t, int64_t)> progress;
  /// When it becomes true, the render stops and returns errc::cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

image_decode_limits image_limits_of(const render_limits& limits);

/// Refuses a bad slide before minutes of rendering, not when its turn comes.
status check_images(const render_spec& spec, const render_limits& limits, const root_folders& roots);

/// The encoder settings of a job: the same for the whole video and every chunk.
video_encoder_settings encoder_settings_of(const render_spec& spec);

/// Renders `range` of `slides` and encodes it with `encoder`, frame
/// `range.first` as the encoder's frame 0; packets go to `sink`. Progress
/// counts frames of the range. Does not flush the encoder.
status encode_frame_range(const render_spec& spec, const render_limits& limits, const root_folders& roots,
                          const timeline& slides, frame_range range, video_encoder& encoder,
                          const packet_sink& sink, const render_callbacks& callbacks);

/// Renders `range` into the MP4 at `path` (a temporary name: the caller
/// commits it) with a fresh encoder, muxed with `audio` (null: none).
/// `faststart` as in mp4_writer.
status render_range_to_mp4(const render_spec& spec, const render_limits& limits, const root_folders& roots,
                           const timeline& slides, frame_range range, const std::string& path,
                           std::shared_ptr<const encoded_audio> audio, bool faststart,
                           const render_callbacks& callbacks);

} // namespace vs::media

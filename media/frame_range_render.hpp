#pragma once
/// The heart of a render, shared by a whole video and by one chunk of it:
/// frames [first, end) of a timeline drawn on a pool of render threads and
/// encoded in order. A chunk's encoder starts at the range's first frame, so
/// the range comes out as a closed GOP opening with an IDR frame.

#include "media/audio_encode.hpp"
#include "media/chunk_plan.hpp"
#include "media/captions/caption_layout.hpp"
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

/// Refuses a bad slide before minutes of rendering, not when its turn comes.
status check_images(const render_spec& spec, const render_limits& limits, const root_folders& roots);

/// The encoder settings of a job: the same for the whole video and every chunk.
video_encoder_settings encoder_settings_of(const render_spec& spec);

/// The poster a render takes on the way: frame `frame` of the video (-1:
/// none), as JPEG, captured from the very picture the encoder gets.
struct poster_capture {
  int64_t frame = -1;
  std::string jpeg;
};

/// Renders `range` of `slides` and encodes it with `encoder`, frame
/// `range.first` as the encoder's frame 0; packets go to `sink`. Progress
/// counts frames of the range. Does not flush the encoder. When `poster`
/// names a frame of the range, its JPEG is captured into it; `captions`
/// (null: none) are painted over every frame.
status encode_frame_range(const render_spec& spec, const render_limits& limits, const root_folders& roots,
                          const timeline& slides, frame_range range, video_encoder& encoder,
                          const packet_sink& sink, const render_callbacks& callbacks,
                          poster_capture* poster = nullptr,
                          std::shared_ptr<const captions::caption_layout> captions = nullptr);

/// Renders `range` into the MP4 at `path` (a temporary name: the caller
/// commits it) with a fresh encoder, muxed with `audio` (null: none).
/// `faststart` as in mp4_writer. `poster` as in encode_frame_range.
status render_range_to_mp4(const render_spec& spec, const render_limits& limits, const root_folders& roots,
                           const timeline& slides, frame_range range, const std::string& path,
                           std::shared_ptr<const encoded_audio> audio, bool faststart,
                           const render_callbacks& callbacks, poster_capture* poster = nullptr,
                           std::shared_ptr<const captions::caption_layout> captions = nullptr);

/// The poster JPEG of frame `frame`, drawn by the same code and from the
/// same inputs as the frame a render encodes (a frame is a pure function of
/// the job and its number), so it equals the captured one: for the owner of
/// a chunked job, whose frames another worker may have drawn. `captions`
/// (null: none) are painted as on the video's frame.
expected<std::string> render_poster_jpeg(const render_spec& spec, const render_limits& limits,
                                         const root_folders& roots, const timeline& slides, int64_t frame,
                                         const std::atomic<bool>* cancel,
                                         std::shared_ptr<const captions::caption_layout> captions = nullptr);

} // namespace vs::media

#pragma once
/// One render from start to finish on the calling thread plus a pool of
/// render threads: check inputs, encode the narration, plan the timeline,
/// render frames ahead in parallel, encode and mux, and move the finished MP4
/// into place. Used by the `render` command; the service's actors drive the
/// same media pieces one stage at a time.

#include "media/error.hpp"
#include "media/frame_range_render.hpp"
#include "media/render_spec.hpp"

#include <cstdint>
#include <string>

namespace vs::media {

struct render_result {
  std::string path;
  std::string poster_path;      ///< empty unless the job asked for a poster
  std::string captions_path;    ///< the .srt beside the video; empty without captions
  double duration_seconds = 0;  ///< frames / fps
  double audio_seconds = 0;     ///< decoded narration length (0 without audio)
  int64_t frames = 0;
  int fps = 0;
  int width = 0;
  int height = 0;
  int64_t file_size = 0;
  double elapsed_seconds = 0;
};

expected<render_result> render_video(const render_spec& spec, const render_limits& limits,
                                     const render_callbacks& callbacks = {});

/// The timeline of `spec` for a narration of `audio_seconds`, refused when it
/// has more frames than the limits allow.
expected<timeline> checked_timeline(const render_spec& spec, const render_limits& limits,
                                    std::optional<double> audio_seconds);

} // namespace vs::media

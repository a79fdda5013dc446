#pragma once
/// The encoder/muxer of one job: x264, the MP4 writer and the temporary
/// output file, all blocking FFmpeg work, so it runs detached. Frames arrive
/// in order; each buffer goes back to the runner's pool once encoded. The
/// temporary file becomes the result on `finish` and is removed on `abort`,
/// on failure, and whenever the actor goes away without finishing.

#include "actors/actors.hpp"
#include "media/captions/caption_export.hpp"
#include "media/mp4_writer.hpp"
#include "media/output_file.hpp"

#include <memory>
#include <optional>

namespace vs::actors {

struct video_sink_state {
  video_sink_state() = default;
  ~video_sink_state() { close(); }
  static inline const char* name = "video_sink";

  /// Closes the writer before the temporary file is removed.
  void close() {
    writer.reset();
    encoder.reset();
    output.reset();
  }

  std::optional<media::output_file> output;
  std::unique_ptr<media::video_encoder> encoder;
  std::unique_ptr<media::mp4_writer> writer;
  media::video_encoder_settings settings;
  std::string output_path;
  captions_ptr captions;
  cancel_flag cancelled;
  int64_t frames = 0;
  int64_t poster_frame = -1;     ///< encoded as JPEG on its way to x264
  std::string poster_path;
  std::string poster_jpeg;
};

video_sink_actor::behavior_type video_sink(video_sink_actor::stateful_pointer<video_sink_state> self);

} // namespace vs::actors

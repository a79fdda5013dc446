#pragma once
/// MP4 muxing (muxing.c's sequence with RAII): one H.264 stream from the
/// encoder and an optional pre-encoded AAC stream, interleaved by time,
/// `+faststart` so the moov atom precedes the media data.

#include "media/audio_encode.hpp"
#include "media/error.hpp"

#include <memory>
#include <string>

struct AVCodecContext;
struct AVCodecParameters;
struct AVFormatContext;
struct AVPacket;
struct AVStream;

namespace vs::media {

class mp4_writer {
public:
  /// Opens `path` for writing. `video` must be an opened encoder context;
  /// `audio` may be null for a silent video. `faststart` moves the moov atom
  /// first (one more pass over the file): what a browser needs, not what a
  /// chunk segment read back by the stitcher needs.
  static expected<std::unique_ptr<mp4_writer>> open(const std::string& path, const AVCodecContext& video,
                                                    std::shared_ptr<const encoded_audio> audio,
                                                    bool faststart = true);
  /// The same for a video stream copied from another file (stream copy):
  /// `video` describes it, its packets arrive at `fps` frames a second in a
  /// time base of 1/fps.
  static expected<std::unique_ptr<mp4_writer>> open(const std::string& path, const AVCodecParameters& video,
                                                    int fps, std::shared_ptr<const encoded_audio> audio,
                                                    bool faststart = true);
  ~mp4_writer();

  /// Writes one video packet (timestamps in the encoder's time base), and
  /// before it every audio packet that starts no later.
  status write_video(AVPacket& packet);
  /// Writes the remaining audio and the trailer, and closes the file.
  status finish();

private:
  mp4_writer() = default;
  status write_audio_until(double seconds);

  std::string path_;
  AVFormatContext* format_ = nullptr;
  AVStream* video_stream_ = nullptr;
  AVStream* audio_stream_ = nullptr;
  int video_time_base_num_ = 1;
  int video_time_base_den_ = 1;
  std::shared_ptr<const encoded_audio> audio_;
  size_t next_audio_packet_ = 0;
  AVPacket* audio_packet_ = nullptr;
  bool finished_ = false;
};

} // namespace vs::media

#pragma once
/// The decoding half of the soundtrack: any audio libavformat reads (MP3,
/// WAV, M4A/AAC, OGG/Opus, FLAC; any rate, mono or stereo) read through a
/// confined file and handed out as 48 kHz stereo planar float, as many
/// samples as the caller asks for. Pull-based, so two inputs (narration and
/// music) can be fed into one filter graph in step with bounded memory.
///
/// Timing is exact: an MP3 whose encoder delay the demuxer knows (LAME/Info
/// tag) is trimmed by FFmpeg; one without such a tag (a streamed MP3) gets
/// LAME's standard delay trimmed here (576 encoder + 529 decoder samples),
/// so its first sample is the first sample the encoder was given.

#include "media/confined_file.hpp"
#include "media/error.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

struct AVFrame;
struct AVPacket;

namespace vs::media {

constexpr int pcm_rate = 48000;
constexpr int pcm_channels = 2;

/// Samples an MP3 without gapless information starts late by: LAME's encoder
/// delay (576) plus the MP3 synthesis filterbank's decoder delay (528 + 1),
/// the figure FFmpeg's own demuxer adds to a LAME tag's delay.
constexpr int untagged_mp3_delay = 576 + 529;

class pcm_reader {
public:
  /// Opens `file` (the caller keeps it open while the reader lives); `what`
  /// names it in errors ("audio file", "music file"). Errors: input_invalid
  /// (no audio stream, unsupported codec, unreadable header).
  static expected<std::unique_ptr<pcm_reader>> open(const confined_file& file, const std::string& what,
                                                    const std::atomic<bool>* cancel);
  ~pcm_reader();
  pcm_reader(const pcm_reader&) = delete;
  pcm_reader& operator=(const pcm_reader&) = delete;

  /// Fills `planes[0..1]` with up to `count` samples; returns how many, fewer
  /// only at the end of the stream (then 0 on every later call). A damaged
  /// tail ends the stream like the ffmpeg CLI does; a file that yields no
  /// sample at all is input_invalid; errc::cancelled when the flag is raised.
  expected<int> read(float* const* planes, int count);

  /// Samples handed out so far.
  int64_t samples_read() const { return samples_read_; }

private:
  pcm_reader(const confined_file& file, std::string what, const std::atomic<bool>* cancel);
  status open_stream();
  status decode_more();
  status send(AVPacket* packet);
  status receive();
  status resample(const AVFrame& frame);
  status flush_resampler();
  status convert(const uint8_t** input, int count, bool& produced_any);
  status damaged(int rc);
  error invalid(const std::string& message) const;

  struct state;
  std::unique_ptr<state> state_;
  const confined_file& file_;
  std::string what_;
  const std::atomic<bool>* cancel_;
  int64_t samples_read_ = 0;
};

} // namespace vs::media

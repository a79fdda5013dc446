#pragma once
/// Narration: decode any audio libavformat reads (MP3, WAV, M4A/AAC,
/// OGG/Opus, FLAC; any rate, mono or stereo), resample to 48 kHz stereo and
/// encode AAC-LC up front. The result is small (128 kb/s) and is interleaved
/// with the video by the muxer. The duration is counted from decoded samples,
/// never taken from container metadata.

#include "media/error.hpp"
#include "media/root_folders.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vs::media {

struct audio_packet {
  int64_t pts = 0;       ///< in samples at `encoded_audio::sample_rate`; may be negative (priming)
  int64_t duration = 0;  ///< in samples
  std::vector<uint8_t> data;
};

/// An AAC stream ready to mux.
struct encoded_audio {
  int sample_rate = 48000;
  int channels = 2;
  int64_t bit_rate = 0;
  int frame_size = 1024;
  int initial_padding = 0;          ///< encoder priming samples
  std::vector<uint8_t> extradata;   ///< AudioSpecificConfig
  std::vector<audio_packet> packets;
  int64_t sample_count = 0;         ///< samples per channel of real (decoded, possibly padded/trimmed) audio

  double duration_seconds() const { return static_cast<double>(sample_count) / sample_rate; }
};

struct audio_options {
  int bit_rate = 128000;
  int64_t max_file_bytes = 1LL << 30;
  double max_seconds = 3 * 3600.0;
  /// If set, the audio is trimmed or padded with silence to exactly this length.
  std::optional<double> fixed_seconds;
  /// Checked between packets; when it becomes true the function returns errc::cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

/// Decodes, resamples and encodes `path`, opened confined to `roots`
/// (media/confined_file: the roots are checked on the file actually read,
/// and the demuxer reads only that file). Errors name the file:
/// input_missing, forbidden_path, input_too_large (file bytes of the opened
/// descriptor, or duration), input_invalid (not a regular file, no audio
/// stream, zero length, corrupt data).
expected<encoded_audio> encode_audio_file(const std::string& path, const audio_options& options,
                                          const root_folders& roots);

} // namespace vs::media

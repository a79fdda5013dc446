#pragma once
/// The soundtrack, made once, up front: the narration (any audio libavformat
/// reads, any rate, mono or stereo) at 48 kHz stereo, optionally with a
/// music bed ducked under it, normalised to a loudness target, encoded
/// AAC-LC. The result is small (128 kb/s) and is interleaved with the video
/// by the muxer. The duration is counted from decoded samples, never taken
/// from container metadata, and the first sample is the narration's first.
///
/// Passes: without music or loudness target, one (decode, encode). With
/// either, an analysis pass first (the narration's length and loudness, the
/// music's loudness over the part used), then the mix is rendered and
/// encoded, and the encoded result is decoded and measured as a player will
/// hear it; if it misses the target (AAC shifts noisy material by a few
/// tenths of a LU, the limiter takes some loudness away) it is rendered
/// again with the gain corrected, at most twice.

#include "media/error.hpp"
#include "media/render_spec.hpp"
#include "media/root_folders.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vs::media {

struct audio_packet {
  int64_t pts = 0;       ///< in samples at `encoded_audio::sample_rate`; may be negative (priming)
  int64_t duration = 0;  ///< in samples; the last packet's ends on the last real sample
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

/// A music bed under the narration.
struct music_options {
  std::string path;
  double volume_db = -18;     ///< the bed's loudness relative to the voice's (before ducking)
  double fade_seconds = 1;    ///< fade-in at the start and fade-out at the end; 0: none
  double ducking_db = 10;     ///< how far the bed drops while the voice speaks; 0: no ducking
};

/// Where the bed sits when the narration is silent (no voice to be relative to).
constexpr double silent_voice_reference_lufs = -14;

struct audio_options {
  int bit_rate = 128000;
  int64_t max_file_bytes = 1LL << 30;   ///< per input file (narration, music)
  double max_seconds = 3 * 3600.0;
  /// If set, the audio is trimmed or padded with silence to exactly this length.
  std::optional<double> fixed_seconds;
  std::optional<music_options> music;
  /// Integrated loudness target of the final mix, LUFS, with true peak at
  /// most -1 dBTP; unset: levels are left as they are.
  std::optional<double> loudness;
  /// Checked between packets; when it becomes true the function returns errc::cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

/// The audio settings of a render (bit rate, limits, music, loudness); the
/// caller adds `fixed_seconds` and `cancel`.
audio_options audio_options_for(const render_spec& spec, const render_limits& limits);

/// Decodes, mixes, normalises and encodes `path` (and the music), opened
/// confined to `roots` (media/confined_file: the roots are checked on the
/// file actually read, and the demuxer reads only that file). Errors name the
/// file: input_missing, forbidden_path, input_too_large (file bytes of the
/// opened descriptor, or duration), input_invalid (not a regular file, no
/// audio stream, zero length, corrupt data, a music file too short to loop);
/// errors about the music file carry the field "music_path".
expected<encoded_audio> encode_audio_file(const std::string& path, const audio_options& options,
                                          const root_folders& roots);

} // namespace vs::media

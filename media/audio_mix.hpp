#pragma once
/// The soundtrack's filter graph (libavfilter): the music bed brought to its
/// level, faded in and out, ducked under the voice by a sidechain
/// compressor and mixed with it; then the loudness gain and a peak limiter.
/// Inputs and output are 48 kHz stereo planar float; the caller feeds the
/// two inputs in step and pulls the result as it comes, so memory stays a
/// few frames whatever the length. Every filter used keeps timing exact
/// (no latency: the limiter compensates its lookahead).

#include "media/error.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace vs::media {

struct mix_settings {
  int64_t total_samples = 0;            ///< length of the voice and of the music fed in
  bool with_music = false;
  double music_gain_db = 0;             ///< brings the bed to its level relative to the voice
  int64_t fade_samples = 0;             ///< bed fade-in at the start and fade-out at the end
  double ducking_db = 0;                ///< bed reduction while the voice speaks; 0: none
  /// Gain that lifts the quietest speech worth ducking for to full scale in
  /// the compressor's key (the key is the voice, hard-clipped: any speech
  /// gives the same key level, so the bed drops by exactly ducking_db).
  double key_gain_db = 0;
  std::optional<double> output_gain_db; ///< loudness normalisation; none: levels left alone
  std::optional<double> peak_limit_db;  ///< limiter ceiling, dBFS; none: no limiter
};

/// The filter graph text for `settings`, inputs [voice] and [music], output [out].
std::string mix_graph_description(const mix_settings& settings);

using pcm_sink = std::function<status(const float* const* planes, int samples)>;

class audio_mix {
public:
  static expected<std::unique_ptr<audio_mix>> open(const mix_settings& settings);
  ~audio_mix();
  audio_mix(const audio_mix&) = delete;
  audio_mix& operator=(const audio_mix&) = delete;

  status push_voice(const float* const* planes, int samples);
  status push_music(const float* const* planes, int samples);
  /// Signals the end of both inputs (the graph then flushes).
  status close_inputs();
  /// Hands every frame the graph has ready to `sink`.
  status pull(const pcm_sink& sink);

private:
  audio_mix() = default;
  struct state;
  std::unique_ptr<state> state_;
};

} // namespace vs::media

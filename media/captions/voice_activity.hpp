#pragma once
/// Where the narration speaks: energy-based voice activity on its decoded
/// samples (no speech model). The level of every 10 ms is compared with a
/// threshold set between the recording's noise floor and its speech level,
/// short dips are bridged (a breath inside a phrase is not a pause) and
/// clicks too short to be a word are dropped.

#include "media/error.hpp"
#include "media/root_folders.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace vs::media::captions {

/// RMS level in dBFS of consecutive windows of the narration, mixed to mono.
struct narration_levels {
  double window_seconds = 0.01;
  std::vector<float> level_db;

  double duration_seconds() const { return window_seconds * static_cast<double>(level_db.size()); }
};

struct narration_read_limits {
  int64_t max_file_bytes = 1LL << 30;
  double max_seconds = 3 * 3600.0;
  const std::atomic<bool>* cancel = nullptr;
};

/// Decodes `path` (confined to `roots`, as the narration encode opens it)
/// and measures its level every 10 ms. Errors as encode_audio_file's.
expected<narration_levels> measure_narration(const std::string& path, const root_folders& roots,
                                             const narration_read_limits& limits);

struct speech_segment {
  double start = 0;
  double end = 0;
};

struct voice_activity_settings {
  double min_pause = 0.25;     ///< quieter stretches shorter than this are not pauses
  double min_speech = 0.08;    ///< louder stretches shorter than this are not speech
};

/// The stretches of speech, in order. Empty for silence; the whole length
/// for a recording without any level contrast (no pauses to find).
std::vector<speech_segment> detect_speech(const narration_levels& levels, const voice_activity_settings& settings = {});

} // namespace vs::media::captions

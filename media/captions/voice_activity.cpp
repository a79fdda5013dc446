#include "media/captions/voice_activity.hpp"

#include <algorithm>
#include <cmath>

namespace vs::media::captions {

namespace {

/// Quieter than this counts as digital silence; keeps -inf out of the sums.
constexpr float silence_db = -100.0f;
/// Below this peak there is nothing to caption.
constexpr float inaudible_db = -60.0f;
/// Less contrast than this between floor and speech: no pauses to find.
constexpr float min_contrast_db = 6.0f;

float percentile(std::vector<float> values, double fraction) {
  size_t at = static_cast<size_t>(fraction * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
  return values[at];
}

/// Speech sits well above the floor and not too far under the loud parts:
/// soft consonants stay speech, room noise stays pause.
float speech_threshold(float floor, float peak) {
  return std::max(floor + 0.3f * (peak - floor), peak - 30.0f);
}

} // namespace

std::vector<speech_segment> detect_speech(const narration_levels& levels, const voice_activity_settings& settings) {
  const std::vector<float>& db = levels.level_db;
  if (db.empty())
    return {};
  std::vector<float> clamped(db.size());
  std::transform(db.begin(), db.end(), clamped.begin(), [](float v) { return std::isfinite(v) ? std::max(v, silence_db) : silence_db; });
  const float floor = percentile(clamped, 0.10);
  const float peak = percentile(clamped, 0.95);
  const double window = levels.window_seconds;
  if (peak < inaudible_db)
    return {};
  if (peak - floor < min_contrast_db)
    return {{0.0, levels.duration_seconds()}};
  const float threshold = speech_threshold(floor, peak);

  std::vector<speech_segment> raw;
  for (size_t i = 0; i < clamped.size(); ++i) {
    if (clamped[i] < threshold)
      continue;
    double start = static_cast<double>(i) * window;
    double end = start + window;
    if (!raw.empty() && start - raw.back().end < settings.min_pause)
      raw.back().end = end;  // a dip too short to be a pause
    else
      raw.push_back({start, end});
  }
  std::vector<speech_segment> speech;
  for (const auto& segment : raw)
    if (segment.end - segment.start >= settings.min_speech)
      speech.push_back(segment);
  return speech;
}

} // namespace vs::media::captions

#pragma once
/// Measures rendered audio with the ffmpeg command line's own filters
/// (ebur128, astats, highpass/lowpass), so the soundtrack tests do not grade
/// the service with its own meter, and decodes audio for sample comparisons.

#include <string>
#include <vector>

namespace vs::test {

/// ffmpeg `-af ebur128=peak=true` summary of a file's first audio stream.
struct ebur128_summary {
  double integrated = 0;  ///< LUFS
  double true_peak = 0;   ///< dBTP ("Peak:" under "True peak:")
};
ebur128_summary measure_ebur128(const std::string& path);

/// Checks (Catch2 CHECKs) the soundtrack promise on `path`: integrated
/// loudness within 0.5 LU of `target` LUFS, true peak at most -1 dBTP.
void check_loudness(const std::string& path, double target);

/// ffmpeg filters keeping what lies above 2 kHz (4 x 12 dB/octave): the
/// tests' music beds (3-4 kHz tones) without their low voices (200-440 Hz).
extern const std::string above_2khz;

/// RMS level in dBFS of each `window_seconds` of `path`'s audio after the
/// ffmpeg filter chain `filters` (e.g. a steep high-pass that keeps one tone).
std::vector<double> window_levels(const std::string& path, const std::string& filters, double window_seconds);

/// Mean of `levels[first, last)` in dB.
double mean_level(const std::vector<double>& levels, size_t first, size_t last);

/// The first audio stream of `path` decoded by the ffmpeg CLI, downmixed to
/// mono and resampled to 48 kHz (the decoder applies the MP4 edit list).
std::vector<float> decode_mono_48k(const std::string& path);

/// The lag (in samples, within +-max_lag) at which `b` best matches `a`
/// (b[i + lag] ~ a[i]) over their first `span` samples, and the normalised
/// correlation there.
struct alignment {
  int lag = 0;
  double correlation = 0;
};
alignment best_alignment(const std::vector<float>& a, const std::vector<float>& b, int max_lag, size_t span);

/// ffprobe's format duration: what players show.
double container_duration(const std::string& path);

} // namespace vs::test

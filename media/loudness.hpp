#pragma once
/// EBU R128 / ITU-R BS.1770 measurement through libebur128 (the reference
/// implementation most tools use): integrated loudness in LUFS and true
/// peak in dBTP of 48 kHz stereo planar float.

#include "media/error.hpp"

#include <memory>

namespace vs::media {

struct loudness_figures {
  /// Integrated loudness, LUFS; -infinity when everything is below the
  /// absolute gate (-70 LUFS), i.e. silence.
  double integrated = 0;
  /// Highest true peak of any channel, dBTP (-infinity for digital silence).
  double true_peak = 0;
};

class loudness_meter {
public:
  /// `true_peak`: also measure true peaks (4x oversampling; costs more).
  static expected<std::unique_ptr<loudness_meter>> open(bool true_peak);
  ~loudness_meter();
  loudness_meter(const loudness_meter&) = delete;
  loudness_meter& operator=(const loudness_meter&) = delete;

  status add(const float* const* planes, int samples);
  expected<loudness_figures> figures() const;

private:
  loudness_meter() = default;
  // libebur128's state is an anonymous struct: it cannot be declared here.
  struct state;
  std::unique_ptr<state> state_;
};

} // namespace vs::media

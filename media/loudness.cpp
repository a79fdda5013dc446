#include "media/loudness.hpp"

#include "media/audio_pcm.hpp"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace vs::media {

namespace {

error meter_error(int rc) {
  return make_error(errc::internal, "the loudness meter failed (libebur128 error " + std::to_string(rc) + ")");
}

} // namespace

struct loudness_meter::state {
  ebur128_state* meter = nullptr;
  bool true_peak = false;
  std::vector<float> interleaved;

  ~state() { ebur128_destroy(&meter); }
};

expected<std::unique_ptr<loudness_meter>> loudness_meter::open(bool true_peak) {
  std::unique_ptr<loudness_meter> self(new loudness_meter);
  self->state_ = std::make_unique<state>();
  int mode = EBUR128_MODE_I | (true_peak ? EBUR128_MODE_TRUE_PEAK : 0);
  self->state_->meter = ebur128_init(pcm_channels, pcm_rate, mode);
  if (self->state_->meter == nullptr)
    return make_error(errc::internal, "out of memory opening the loudness meter");
  self->state_->true_peak = true_peak;
  return self;
}

loudness_meter::~loudness_meter() = default;

status loudness_meter::add(const float* const* planes, int samples) {
  if (samples <= 0)
    return {};
  // libebur128 takes interleaved frames; the pipeline is planar.
  auto& interleaved = state_->interleaved;
  interleaved.resize(static_cast<size_t>(samples) * pcm_channels);
  for (size_t i = 0; i < static_cast<size_t>(samples); ++i)
    for (size_t channel = 0; channel < pcm_channels; ++channel)
      interleaved[i * pcm_channels + channel] = planes[channel][i];
  if (int rc = ebur128_add_frames_float(state_->meter, interleaved.data(), static_cast<size_t>(samples));
      rc != EBUR128_SUCCESS)
    return meter_error(rc);
  return {};
}

expected<loudness_figures> loudness_meter::figures() const {
  loudness_figures result;
  if (int rc = ebur128_loudness_global(state_->meter, &result.integrated); rc != EBUR128_SUCCESS)
    return meter_error(rc);
  result.true_peak = -std::numeric_limits<double>::infinity();
  if (state_->true_peak) {
    double peak = 0;
    for (unsigned channel = 0; channel < pcm_channels; ++channel) {
      double channel_peak = 0;
      if (int rc = ebur128_true_peak(state_->meter, channel, &channel_peak); rc != EBUR128_SUCCESS)
        return meter_error(rc);
      peak = std::max(peak, channel_peak);
    }
    if (peak > 0)
      result.true_peak = 20.0 * std::log10(peak);
  }
  return result;
}

} // namespace vs::media

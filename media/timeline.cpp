#include "media/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace vs::media {

namespace {

// Guards the floor/ceil of times that are exact multiples of a frame against
// rounding error in the last bit.
constexpr double epsilon = 1e-9;

double clamp01(double value) { return std::clamp(value, 0.0, 1.0); }

/// A number for a message: at most three significant digits ("0.004", "4", "0.0417").
std::string brief(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

/// The overlap of synced slides: T clamped so that T <= d/2, none for one slide.
double synced_overlap(int slide_count, double audio_seconds, double transition) {
  if (slide_count == 1)
    return 0.0;
  // T <= d/2 with d = (A + (n-1)T)/n  <=>  T <= A/(n+1).
  return std::min(std::max(transition, 0.0), audio_seconds / (slide_count + 1));
}

/// Time from one slide's start to the next: each slide's own share of the video.
double synced_step(int slide_count, double audio_seconds, double transition) {
  return (audio_seconds - synced_overlap(slide_count, audio_seconds, transition)) / slide_count;
}

/// A slide whose share is under a frame may fall between two frames and never
/// be shown; every slide must get at least one frame.
bool at_least_one_frame(double seconds, int fps) { return seconds * fps >= 1.0 - epsilon; }

} // namespace

timeline::timeline(int slide_count, int fps, double slide_duration, double transition, double duration,
                   int64_t frame_count, transition_kind kind)
    : slide_count_(slide_count), fps_(fps), slide_duration_(slide_duration), transition_(transition),
      duration_(duration), frame_count_(frame_count), kind_(kind) {}

expected<timeline> timeline::synced_to_audio(int slide_count, double audio_seconds, int fps, double transition,
                                             transition_kind kind) {
  if (slide_count < 1)
    return make_error(errc::invalid_argument, "at least one slide is needed", "image_paths");
  if (!(audio_seconds * fps >= 1.0))
    return make_error(errc::input_invalid, "the audio is shorter than one video frame", "audio_path");
  const double step = synced_step(slide_count, audio_seconds, transition);
  if (!at_least_one_frame(step, fps)) {
    // The step shrinks as slides are added: the largest count that still fits.
    int most = slide_count - 1;
    while (most > 1 && !at_least_one_frame(synced_step(most, audio_seconds, transition), fps))
      --most;
    return make_error(errc::invalid_argument,
                      std::to_string(slide_count) + " slides over " + brief(audio_seconds) + " s of audio at " +
                          std::to_string(fps) + " fps leave each slide " + brief(step) +
                          " s, less than one frame (" + brief(1.0 / fps) + " s): use at most " +
                          std::to_string(most) + " slides, a longer narration or a higher fps",
                      "image_paths");
  }
  double overlap = synced_overlap(slide_count, audio_seconds, transition);
  double slide = (audio_seconds + (slide_count - 1) * overlap) / slide_count;
  // Never cut audio: the video covers the audio and ends within one frame after it.
  auto frames = static_cast<int64_t>(std::ceil(audio_seconds * fps - epsilon));
  return timeline(slide_count, fps, slide, overlap, audio_seconds, frames, kind);
}

expected<timeline> timeline::fixed_slides(int slide_count, double slide_duration, int fps, double transition,
                                          transition_kind kind) {
  if (slide_count < 1)
    return make_error(errc::invalid_argument, "at least one slide is needed", "image_paths");
  if (!(slide_duration * fps >= 1.0))
    return make_error(errc::invalid_argument, "slide_duration is shorter than one frame", "slide_duration");
  double overlap = slide_count == 1 ? 0.0 : std::min(std::max(transition, 0.0), slide_duration / 2);
  if (!at_least_one_frame(slide_duration - overlap, fps))
    return make_error(errc::invalid_argument,
                      "slide_duration " + brief(slide_duration) + " s with a " + brief(overlap) +
                          " s transition leaves each slide " + brief(slide_duration - overlap) +
                          " s, less than one frame at " + std::to_string(fps) + " fps (" + brief(1.0 / fps) +
                          " s): lengthen slide_duration, shorten transition_duration or raise fps",
                      "slide_duration");
  double total = slide_count * slide_duration - (slide_count - 1) * overlap;
  auto frames = std::max<int64_t>(1, static_cast<int64_t>(std::llround(total * fps)));
  return timeline(slide_count, fps, slide_duration, overlap, total, frames, kind);
}

int timeline::slide_at(int64_t frame) const {
  double t = static_cast<double>(frame) / fps_;
  double step = slide_duration_ - transition_;
  auto index = static_cast<int>(std::floor(t / step + epsilon));
  return std::clamp(index, 0, slide_count_ - 1);
}

int64_t timeline::first_frame_of(int slide) const {
  return static_cast<int64_t>(std::ceil(slide_start(slide) * fps_ - epsilon));
}

int64_t timeline::last_frame_of(int slide) const {
  if (slide == slide_count_ - 1)
    return frame_count_ - 1;
  double end = slide_start(slide) + slide_duration_;
  // Visible while t < end.
  auto last = static_cast<int64_t>(std::ceil(end * fps_ - epsilon)) - 1;
  return std::clamp<int64_t>(last, 0, frame_count_ - 1);
}

frame_plan timeline::plan(int64_t frame) const {
  double t = static_cast<double>(frame) / fps_;
  int current = slide_at(frame);
  auto progress_of = [&](int slide) { return clamp01((t - slide_start(slide)) / slide_duration_); };

  frame_plan result;
  result.first = current;
  result.first_progress = progress_of(current);
  bool in_transition = current > 0 && transition_ > 0 && t < slide_start(current - 1) + slide_duration_ - epsilon;
  if (!in_transition)
    return result;

  double p = clamp01((t - slide_start(current)) / transition_);
  int previous = current - 1;
  switch (kind_) {
    case transition_kind::crossfade:
      result.first = previous;
      result.first_progress = progress_of(previous);
      result.second = current;
      result.second_progress = progress_of(current);
      result.mix = p;
      break;
    case transition_kind::fadeblack:
      // Out to black over the first half of the overlap, in from black over the second.
      if (p < 0.5) {
        result.first = previous;
        result.first_progress = progress_of(previous);
        result.brightness = 1.0 - 2.0 * p;
      } else {
        result.brightness = 2.0 * p - 1.0;
      }
      break;
    case transition_kind::none:
      // A hard cut in the middle of the overlap keeps every slide's share of time.
      if (p < 0.5) {
        result.first = previous;
        result.first_progress = progress_of(previous);
      }
      break;
  }
  return result;
}

expected<timeline> timeline_for(const render_spec& spec, std::optional<double> audio_seconds) {
  int slides = static_cast<int>(spec.image_paths.size());
  if (!spec.sync_to_audio)
    return timeline::fixed_slides(slides, spec.slide_duration, spec.fps, spec.transition_duration,
                                  spec.transition);
  if (!audio_seconds)
    return make_error(errc::invalid_argument, "audio_path is required unless sync_to_audio is false",
                      "audio_path");
  return timeline::synced_to_audio(slides, *audio_seconds, spec.fps, spec.transition_duration, spec.transition);
}

std::optional<double> fixed_audio_seconds(const render_spec& spec) {
  if (spec.sync_to_audio)
    return std::nullopt;
  auto slides = timeline_for(spec, std::nullopt);
  if (!slides)
    return std::nullopt;
  return static_cast<double>(slides->frame_count()) / spec.fps;
}

} // namespace vs::media

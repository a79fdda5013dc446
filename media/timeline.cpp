#include "media/timeline.hpp"

#include "media/slide_plan.hpp"

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

/// Slides of `slide` seconds each, one starting every slide − overlap seconds.
void uniform_slides(int slide_count, double slide, double overlap, std::vector<double>& starts,
                    std::vector<double>& ends) {
  for (int i = 0; i < slide_count; ++i) {
    starts.push_back(i * (slide - overlap));
    ends.push_back(starts.back() + slide);
  }
}

} // namespace

int64_t frames_covering_audio(double audio_seconds, int fps) {
  const double covered = std::max(0.0, audio_seconds - audio_tail_tolerance_seconds);
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(covered * fps - epsilon)));
}

std::string brief_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

timeline::timeline(std::vector<double> starts, std::vector<double> ends, int fps, double transition,
                   double duration, int64_t frame_count, transition_kind kind)
    : starts_(std::move(starts)), ends_(std::move(ends)), fps_(fps), transition_(transition), duration_(duration),
      frame_count_(frame_count), kinds_(starts_.empty() ? 0 : starts_.size() - 1, kind) {}

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
                      std::to_string(slide_count) + " slides over " + brief_number(audio_seconds) + " s of audio at " +
                          std::to_string(fps) + " fps leave each slide " + brief_number(step) +
                          " s, less than one frame (" + brief_number(1.0 / fps) + " s): use at most " +
                          std::to_string(most) + " slides, a longer narration or a higher fps",
                      "image_paths");
  }
  double overlap = synced_overlap(slide_count, audio_seconds, transition);
  double slide = (audio_seconds + (slide_count - 1) * overlap) / slide_count;
  // Never cut audio: the video covers the audio and ends within one frame after it.
  const int64_t frames = frames_covering_audio(audio_seconds, fps);
  std::vector<double> starts, ends;
  uniform_slides(slide_count, slide, overlap, starts, ends);
  return timeline(std::move(starts), std::move(ends), fps, overlap, audio_seconds, frames, kind);
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
                      "slide_duration " + brief_number(slide_duration) + " s with a " + brief_number(overlap) +
                          " s transition leaves each slide " + brief_number(slide_duration - overlap) +
                          " s, less than one frame at " + std::to_string(fps) + " fps (" + brief_number(1.0 / fps) +
                          " s): lengthen slide_duration, shorten transition_duration or raise fps",
                      "slide_duration");
  double total = slide_count * slide_duration - (slide_count - 1) * overlap;
  auto frames = std::max<int64_t>(1, static_cast<int64_t>(std::llround(total * fps)));
  std::vector<double> starts, ends;
  uniform_slides(slide_count, slide_duration, overlap, starts, ends);
  return timeline(std::move(starts), std::move(ends), fps, overlap, total, frames, kind);
}

timeline timeline::with_cuts(const std::vector<double>& cuts, const std::vector<double>& overlaps, double end,
                             int64_t frame_count, int fps, transition_kind kind) {
  std::vector<double> starts{0.0};
  std::vector<double> ends;
  double longest = 0;
  for (size_t i = 0; i < cuts.size(); ++i) {
    const double overlap = i < overlaps.size() ? overlaps[i] : 0.0;
    starts.push_back(cuts[i] - overlap / 2);
    ends.push_back(cuts[i] + overlap / 2);
    longest = std::max(longest, overlap);
  }
  ends.push_back(end);
  return timeline(std::move(starts), std::move(ends), fps, longest, end, frame_count, kind);
}

void timeline::use_transitions(std::vector<transition_kind> kinds) {
  if (kinds.size() == kinds_.size())
    kinds_ = std::move(kinds);
}

int timeline::slide_at(int64_t frame) const {
  double t = static_cast<double>(frame) / fps_;
  // The last slide that has started by t.
  auto after = std::upper_bound(starts_.begin(), starts_.end(), t + epsilon);
  return std::clamp(static_cast<int>(after - starts_.begin()) - 1, 0, slide_count() - 1);
}

int64_t timeline::first_frame_of(int slide) const {
  return static_cast<int64_t>(std::ceil(slide_start(slide) * fps_ - epsilon));
}

int64_t timeline::last_frame_of(int slide) const {
  if (slide == slide_count() - 1)
    return frame_count_ - 1;
  // Visible while t < end.
  auto last = static_cast<int64_t>(std::ceil(slide_end(slide) * fps_ - epsilon)) - 1;
  return std::clamp<int64_t>(last, 0, frame_count_ - 1);
}

frame_plan timeline::plan(int64_t frame) const {
  double t = static_cast<double>(frame) / fps_;
  int current = slide_at(frame);
  auto progress_of = [&](int slide) {
    return clamp01((t - slide_start(slide)) / (slide_end(slide) - slide_start(slide)));
  };

  frame_plan result;
  result.first = current;
  result.first_progress = progress_of(current);
  if (current == 0)
    return result;
  const int previous = current - 1;
  const double overlap = slide_end(previous) - slide_start(current);
  result.kind = transition_into(current);
  bool in_transition = overlap > 0 && t < slide_end(previous) - epsilon;
  if (!in_transition)
    return result;

  double p = clamp01((t - slide_start(current)) / overlap);
  // The middle of the overlap: the cut. Compared as times, so that a cut on
  // a frame is on that frame whatever the rounding of p.
  const bool before_cut = t < slide_start(current) + overlap / 2 - epsilon;
  auto show_previous = [&] {
    result.first = previous;
    result.first_progress = progress_of(previous);
  };
  switch (result.kind) {
    case transition_kind::fadeblack:
    case transition_kind::fadewhite:
      // Out over the first half of the overlap, in over the second.
      if (before_cut) {
        show_previous();
        result.brightness = 1.0 - 2.0 * p;
      } else {
        result.brightness = std::max(0.0, 2.0 * p - 1.0);
      }
      break;
    case transition_kind::none:
      // A hard cut in the middle of the overlap keeps every slide's share of time.
      if (before_cut)
        show_previous();
      break;
    default:
      // Every other transition shows both slides; media/transitions draws it.
      show_previous();
      result.second = current;
      result.second_progress = progress_of(current);
      result.mix = p;
      break;
  }
  return result;
}

expected<timeline> timeline_for(const render_spec& spec, std::optional<double> audio_seconds) {
  return lay_out_slides(spec, audio_seconds);
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

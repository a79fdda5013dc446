#include "media/slide_plan.hpp"

#include "media/seed_hash.hpp"

#include <algorithm>
#include <cmath>

namespace vs::media {

namespace {

// Guards comparisons of times that are exact multiples of a frame.
constexpr double epsilon = 1e-9;
constexpr double max_seconds = 3 * 3600.0;

const slide_options* options_of(const render_spec& spec, int slide) {
  const auto& slides = spec.pictures.slides;
  return slide >= 0 && static_cast<size_t>(slide) < slides.size() ? &slides[static_cast<size_t>(slide)] : nullptr;
}

motion_kind motion_of(const render_spec& spec, int slide) {
  const slide_options* options = options_of(spec, slide);
  motion_kind motion = options && options->motion ? *options->motion : spec.pictures.motion;
  // enable_ken_burns false stills the automatic camera; a motion asked for
  // by name still moves.
  if (motion == motion_kind::automatic && !spec.ken_burns)
    return motion_kind::none;
  return motion;
}

error invalid(std::string message, std::string field) {
  return make_error(errc::invalid_argument, std::move(message), std::move(field));
}

std::string seconds(double value) { return brief_number(value) + " s"; }

std::string one_frame(int fps) { return "one frame (" + seconds(1.0 / fps) + " at " + std::to_string(fps) + " fps)"; }

std::string slide_field(size_t slide, const char* member) {
  return "slides[" + std::to_string(slide) + "]." + member;
}

bool has_durations(const render_spec& spec) {
  for (const auto& slide : spec.pictures.slides)
    if (slide.duration)
      return true;
  return false;
}

expected<double> narration(const render_spec& spec, std::optional<double> audio_seconds) {
  if (!audio_seconds)
    return invalid("audio_path is required unless sync_to_audio is false", "audio_path");
  if (!(*audio_seconds * spec.fps >= 1.0))
    return make_error(errc::input_invalid, "the audio is shorter than one video frame", "audio_path");
  return *audio_seconds;
}

/// The overlap each boundary asks for: transition_duration, none at a cut
/// (a slide given 2 s with `none` on both sides shows for exactly 2 s).
std::vector<double> wanted_overlaps(const std::vector<transition_kind>& kinds, double transition) {
  std::vector<double> overlaps;
  for (auto kind : kinds)
    overlaps.push_back(kind == transition_kind::none ? 0.0 : std::max(0.0, transition));
  return overlaps;
}

/// The timeline from cuts (one per boundary, seconds) and an end: cuts
/// snapped to the nearest frame, every slide at least one frame on screen,
/// each transition kept within the slides around it.
expected<timeline> from_cuts(const render_spec& spec, std::vector<double> cuts, std::vector<double> overlaps,
                             double end, const std::string& field, const std::string& remedy) {
  const int fps = spec.fps;
  for (double& cut : cuts)
    cut = std::round(cut * fps) / fps;
  double longest_allowed = max_seconds;
  for (size_t slide = 0; slide <= cuts.size(); ++slide) {
    const double from = slide == 0 ? 0.0 : cuts[slide - 1];
    const double to = slide == cuts.size() ? end : cuts[slide];
    if ((to - from) * fps < 1.0 - epsilon)
      return invalid("slide " + std::to_string(slide) + " would be on screen for " + seconds(to - from) +
                         ", less than " + one_frame(fps) + ": " + remedy,
                     field);
    // A transition is centred on each cut: it may take all of a middle
    // slide's share, and half of the first's or the last's.
    const bool middle = slide > 0 && slide < cuts.size();
    longest_allowed = std::min(longest_allowed, (to - from) * (middle ? 1.0 : 2.0));
  }
  for (double& overlap : overlaps)
    overlap = std::min(overlap, longest_allowed);
  const auto frames = spec.sync_to_audio ? frames_covering_audio(end, fps)
                                         : std::max<int64_t>(1, static_cast<int64_t>(std::llround(end * fps)));
  return timeline::with_cuts(cuts, overlaps, end, frames, fps, spec.transition);
}

expected<timeline> by_starts(const render_spec& spec, std::optional<double> audio_seconds,
                             const std::vector<transition_kind>& kinds) {
  const auto& starts = spec.pictures.slide_starts;
  std::vector<double> cuts(starts.begin() + 1, starts.end());
  double end = starts.back() + spec.slide_duration;
  if (spec.sync_to_audio) {
    auto audio = narration(spec, audio_seconds);
    if (!audio)
      return audio.error();
    end = *audio;
    if (starts.back() >= end - epsilon)
      return invalid("slide_starts[" + std::to_string(starts.size() - 1) + "] (" + seconds(starts.back()) +
                         ") is not before the end of the narration (" + seconds(end) + ")",
                     "slide_starts");
  }
  return from_cuts(spec, std::move(cuts), wanted_overlaps(kinds, spec.transition_duration), end,
                   "slide_starts", "space slide_starts at least a frame apart, the last one a frame before the end");
}

expected<timeline> by_durations(const render_spec& spec, std::optional<double> audio_seconds,
                                const std::vector<transition_kind>& kinds) {
  const int count = static_cast<int>(spec.image_paths.size());
  double fixed_sum = 0;
  double shortest_fixed = max_seconds;
  int free_count = 0;
  for (int slide = 0; slide < count; ++slide) {
    const slide_options* options = options_of(spec, slide);
    if (options && options->duration) {
      fixed_sum += *options->duration;
      shortest_fixed = std::min(shortest_fixed, *options->duration);
    } else {
      ++free_count;
    }
  }
  const auto blended = static_cast<int>(std::count_if(kinds.begin(), kinds.end(),
                                                      [](transition_kind kind) { return kind != transition_kind::none; }));
  // T is at most half of any slide.
  double overlap = std::min(std::max(0.0, spec.transition_duration), shortest_fixed / 2);
  double free_duration = spec.slide_duration;
  double end = 0;
  if (spec.sync_to_audio) {
    auto audio = narration(spec, audio_seconds);
    if (!audio)
      return audio.error();
    end = *audio;
    if (free_count > 0) {
      // With k boundaries that overlap: d_free = (A + k·T − F)/m ≥ 2T  ⇔  T·(2m − k) ≤ A − F.
      const int slack = 2 * free_count - blended;
      if (slack > 0)
        overlap = std::min(overlap, std::max(0.0, (end - fixed_sum) / slack));
      free_duration = (end + blended * overlap - fixed_sum) / free_count;
      if ((free_duration - (blended > 0 ? overlap : 0.0)) * spec.fps < 1.0 - epsilon)
        return invalid("the slides' durations add up to " + seconds(fixed_sum) + " of the " + seconds(end) +
                           " narration, leaving less than " + one_frame(spec.fps) + " to each of the " +
                           std::to_string(free_count) + " slides without a duration: shorten the durations",
                       "slides");
    }
  } else if (free_count > 0) {
    overlap = std::min(overlap, free_duration / 2);
  }
  const std::vector<double> overlaps = wanted_overlaps(kinds, overlap);
  std::vector<double> cuts;
  double start = 0;
  for (int slide = 0; slide < count; ++slide) {
    const slide_options* options = options_of(spec, slide);
    const double duration = options && options->duration ? *options->duration : free_duration;
    if (slide + 1 < count) {
      const double next_overlap = overlaps[static_cast<size_t>(slide)];
      start += duration - next_overlap;
      cuts.push_back(start + next_overlap / 2);
    } else if (!spec.sync_to_audio) {
      end = start + duration;
    } else if (free_count == 0 && start + duration > end + 0.5 / spec.fps) {
      return invalid("the slides' durations add up to " + seconds(start + duration) + " with their transitions, " +
                         "longer than the " + seconds(end) + " narration: shorten them, or set sync_to_audio " +
                         "to false to trim the narration",
                     "slides");
    }
  }
  // With every slide fixed and a longer narration, the last slide holds until it ends.
  return from_cuts(spec, std::move(cuts), overlaps, end, "slides",
                   "lengthen the slide's duration or shorten transition_duration");
}

expected<timeline> uniform(const render_spec& spec, std::optional<double> audio_seconds) {
  const int count = static_cast<int>(spec.image_paths.size());
  if (!spec.sync_to_audio)
    return timeline::fixed_slides(count, spec.slide_duration, spec.fps, spec.transition_duration, spec.transition);
  if (!audio_seconds)
    return invalid("audio_path is required unless sync_to_audio is false", "audio_path");
  return timeline::synced_to_audio(count, *audio_seconds, spec.fps, spec.transition_duration, spec.transition);
}

status check_slide(const render_spec& spec, size_t index) {
  const slide_options& slide = spec.pictures.slides[index];
  if (index < spec.image_paths.size() && spec.image_paths[index].empty())
    return invalid(slide_field(index, "path") + " must name an image file", slide_field(index, "path"));
  if (slide.duration && !(std::isfinite(*slide.duration) && *slide.duration * spec.fps >= 1.0 - epsilon &&
                          *slide.duration <= max_seconds))
    return invalid(slide_field(index, "duration") + " must be at least " + one_frame(spec.fps) + " and at most " +
                       std::to_string(static_cast<int>(max_seconds)) + " s (got " + brief_number(*slide.duration) + ")",
                   slide_field(index, "duration"));
  if (slide.focus) {
    auto fraction = [](double value) { return std::isfinite(value) && value >= 0 && value <= 1; };
    if (!fraction(slide.focus->x) || !fraction(slide.focus->y))
      return invalid(slide_field(index, "focus") + " must be [x, y], fractions of the picture between 0 and 1",
                     slide_field(index, "focus"));
  }
  return {};
}

status check_starts(const render_spec& spec) {
  const auto& starts = spec.pictures.slide_starts;
  const size_t count = spec.image_paths.size();
  if (starts.size() != count)
    return invalid("slide_starts has " + std::to_string(starts.size()) + " entries but the job has " +
                       std::to_string(count) + " slides",
                   "slide_starts");
  if (starts.front() != 0.0)
    return invalid("slide_starts must begin with 0 (got " + brief_number(starts.front()) + ")", "slide_starts");
  for (size_t i = 1; i < starts.size(); ++i) {
    if (!std::isfinite(starts[i]) || starts[i] > max_seconds)
      return invalid("slide_starts[" + std::to_string(i) + "] must be a time in seconds up to " +
                         std::to_string(static_cast<int>(max_seconds)),
                     "slide_starts");
    if ((starts[i] - starts[i - 1]) * spec.fps < 1.0 - epsilon)
      return invalid("slide_starts[" + std::to_string(i) + "] (" + seconds(starts[i]) + ") must come at least " +
                         one_frame(spec.fps) + " after slide_starts[" + std::to_string(i - 1) + "] (" +
                         seconds(starts[i - 1]) + ")",
                     "slide_starts");
  }
  return {};
}

} // namespace

slide_look look_of(const render_spec& spec, int slide) {
  const slide_options* options = options_of(spec, slide);
  return {options && options->fit ? *options->fit : spec.pictures.fit, spec.pictures.background};
}

bool any_composed(const render_spec& spec) {
  const int count = static_cast<int>(std::max<size_t>(1, spec.image_paths.size()));
  for (int slide = 0; slide < count; ++slide)
    if (look_of(spec, slide).fit != fit_mode::cover)
      return true;
  return false;
}

camera_path camera_path_of(const render_spec& spec, int slide) {
  const slide_options* options = options_of(spec, slide);
  return plan_motion(motion_of(spec, slide), options ? options->focus : std::nullopt, slide, spec.seed,
                     spec.zoom_factor);
}

double working_zoom(const render_spec& spec) {
  if (spec.zoom_factor <= 1.0)
    return 1.0;
  const int count = static_cast<int>(std::max<size_t>(1, spec.image_paths.size()));
  for (int slide = 0; slide < count; ++slide)
    if (motion_of(spec, slide) != motion_kind::none)
      return spec.zoom_factor;
  return 1.0;
}

std::vector<transition_kind> boundary_transitions(const render_spec& spec, int slide_count) {
  std::vector<transition_kind> drawable;
  for (auto kind : all_transitions())
    if (kind != transition_kind::none)
      drawable.push_back(kind);
  std::vector<transition_kind> kinds;
  for (int boundary = 1; boundary < slide_count; ++boundary) {
    const auto& listed = spec.pictures.transitions;
    transition_choice choice{spec.pictures.random_transition, spec.transition};
    if (static_cast<size_t>(boundary - 1) < listed.size())
      choice = listed[static_cast<size_t>(boundary - 1)];
    if (choice.random) {
      // A tag keeps these draws independent of the camera's, made from the same seed.
      constexpr uint64_t transition_tag = 0x7472616e736974ULL;
      uint64_t hash = seed_hash(spec.seed ^ seed_hash(transition_tag + static_cast<uint64_t>(boundary)));
      choice.kind = drawable[hash % drawable.size()];
    }
    kinds.push_back(choice.kind);
  }
  return kinds;
}

expected<timeline> lay_out_slides(const render_spec& spec, std::optional<double> audio_seconds) {
  const int count = static_cast<int>(spec.image_paths.size());
  if (count < 1)
    return invalid("at least one slide is needed", "image_paths");
  std::vector<transition_kind> kinds = boundary_transitions(spec, count);
  expected<timeline> laid = !spec.pictures.slide_starts.empty() ? by_starts(spec, audio_seconds, kinds)
                            : has_durations(spec)               ? by_durations(spec, audio_seconds, kinds)
                                                                : uniform(spec, audio_seconds);
  if (laid)
    laid->use_transitions(std::move(kinds));
  return laid;
}

std::optional<double> shortest_slide_seconds(const render_spec& spec) {
  const size_t count = spec.image_paths.size();
  const auto& starts = spec.pictures.slide_starts;
  std::optional<double> shortest;
  auto consider = [&](double value) { shortest = std::min(shortest.value_or(value), value); };
  if (!starts.empty()) {
    for (size_t i = 1; i < starts.size(); ++i)
      consider(starts[i] - starts[i - 1]);
    if (!spec.sync_to_audio)
      consider(spec.slide_duration);
    return shortest;
  }
  const double overlap = count > 1 ? std::max(0.0, spec.transition_duration) : 0.0;
  for (size_t i = 0; i < count; ++i) {
    const slide_options* options = options_of(spec, static_cast<int>(i));
    if (options && options->duration)
      consider(*options->duration - std::min(overlap, *options->duration / 2));
    else if (!spec.sync_to_audio)
      consider(spec.slide_duration - std::min(overlap, spec.slide_duration / 2));
    else
      return std::nullopt;  // its length waits for the narration's
  }
  return shortest;
}

status validate_pictures(const render_spec& spec) {
  const auto& pictures = spec.pictures;
  const size_t count = spec.image_paths.size();
  if (!pictures.slides.empty() && pictures.slides.size() != count)
    return invalid("slides has " + std::to_string(pictures.slides.size()) + " entries but the job has " +
                       std::to_string(count) + " slides",
                   "slides");
  for (size_t i = 0; i < pictures.slides.size(); ++i)
    if (auto checked = check_slide(spec, i); !checked)
      return checked;
  if (!pictures.slide_starts.empty()) {
    if (has_durations(spec))
      return invalid("give slides[].duration or slide_starts, not both", "slide_starts");
    if (auto checked = check_starts(spec); !checked)
      return checked;
  }
  if (!pictures.transitions.empty() && pictures.transitions.size() + 1 != count)
    return invalid("transitions has " + std::to_string(pictures.transitions.size()) + " entries but " +
                       std::to_string(count) + " slides have " + std::to_string(count > 0 ? count - 1 : 0) +
                       " boundaries",
                   "transitions");
  if (pictures.poster_time && !(std::isfinite(*pictures.poster_time) && *pictures.poster_time >= 0 &&
                                *pictures.poster_time <= max_seconds))
    return invalid("poster must be true, false or a time in seconds from 0 (got " +
                       brief_number(*pictures.poster_time) + ")",
                   "poster");
  return {};
}

} // namespace vs::media

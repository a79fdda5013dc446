#pragma once
/// When each slide is on screen and what frame k shows. The timeline is pure
/// arithmetic on (slide count, length, fps, transition), so any frame can be
/// planned, and rendered, independently of every other.

#include "media/error.hpp"
#include "media/render_spec.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vs::media {

/// What one output frame shows: slide `first` at `first_progress` (0..1 along
/// its own time on screen), optionally joined with slide `second` by the
/// transition `kind` at progress `mix`, then scaled towards black (or white,
/// for fadewhite) by `brightness`.
struct frame_plan {
  int first = 0;
  double first_progress = 0.0;
  int second = -1;             ///< -1: a single slide
  double second_progress = 0.0;
  double mix = 0.0;            ///< how far the transition to `second` is, 0..1 (crossfade: its weight)
  double brightness = 1.0;     ///< 1: full picture, 0: black (white for fadewhite)
  transition_kind kind = transition_kind::crossfade;  ///< the transition this frame is part of
};

class timeline {
public:
  /// Slides synced to audio of `audio_seconds`: each lasts
  /// d = (A + (n−1)·T) / n, neighbours overlap by T (clamped to half a
  /// slide), and the last frame ends within one frame after the audio.
  static expected<timeline> synced_to_audio(int slide_count, double audio_seconds, int fps, double transition,
                                            transition_kind kind);
  /// Slides of `slide_duration` seconds each, overlapping by T (clamped to half a slide).
  static expected<timeline> fixed_slides(int slide_count, double slide_duration, int fps, double transition,
                                         transition_kind kind);
  /// Slides that give way to the next at `cuts` (one per boundary,
  /// increasing, seconds), the last ending at `end`; neighbours overlap by
  /// `overlaps[i]` centred on cut i (the caller keeps each within the
  /// slides around it). `frame_count` frames; every boundary uses `kind`
  /// until use_transitions says otherwise.
  static timeline with_cuts(const std::vector<double>& cuts, const std::vector<double>& overlaps, double end,
                            int64_t frame_count, int fps, transition_kind kind);

  /// Sets each boundary's transition (slide_count − 1 of them, else ignored).
  void use_transitions(std::vector<transition_kind> kinds);

  int slide_count() const { return static_cast<int>(starts_.size()); }
  int fps() const { return fps_; }
  int64_t frame_count() const { return frame_count_; }
  /// The first slide's time on screen (every slide's, for the two uniform timelines).
  double slide_duration() const { return ends_.front() - starts_.front(); }
  /// The overlap between neighbours (the longest one, where they differ).
  double transition() const { return transition_; }
  /// Nominal length (slides laid end to end with their overlaps).
  double duration() const { return duration_; }

  /// When `slide` appears (its transition in begins) and when it is gone.
  double slide_start(int slide) const { return starts_[static_cast<size_t>(slide)]; }
  double slide_end(int slide) const { return ends_[static_cast<size_t>(slide)]; }
  /// The transition from `slide` − 1 into `slide` (slide ≥ 1).
  transition_kind transition_into(int slide) const { return kinds_[static_cast<size_t>(slide - 1)]; }
  /// First and last frame on which `slide` is (at least partly) visible.
  int64_t first_frame_of(int slide) const;
  int64_t last_frame_of(int slide) const;
  /// The slide on screen (the incoming one during a transition) at frame k.
  int slide_at(int64_t frame) const;

  frame_plan plan(int64_t frame) const;

private:
  timeline(std::vector<double> starts, std::vector<double> ends, int fps, double transition, double duration,
           int64_t frame_count, transition_kind kind);

  std::vector<double> starts_;
  std::vector<double> ends_;
  int fps_;
  double transition_;
  double duration_;
  int64_t frame_count_;
  std::vector<transition_kind> kinds_;  ///< one per boundary
};

/// Audio that runs at most this far past a frame boundary ends with that
/// frame instead of earning one more. Decoders and resamplers leave tails of
/// a fraction of a millisecond (a 30 s narration decodes to 30.0005 s); a
/// whole extra frame for one made a 30 s narration a 30.017 s video at 60
/// fps, which players showed, while the narration was 30.000 s (issue 10).
/// The audio is never cut: it may end up to this much after the last frame.
constexpr double audio_tail_tolerance_seconds = 0.001;

/// Frames at `fps` that cover `audio_seconds` (less the tolerance above).
int64_t frames_covering_audio(double audio_seconds, int fps);

/// A number for a message: at most three significant digits ("0.004", "4", "0.0417").
std::string brief_number(double value);

/// The timeline a job asks for: synced to the narration's `audio_seconds`,
/// or slides of `slide_duration` when `spec.sync_to_audio` is false; slide
/// durations, slide starts and per-boundary transitions as media/slide_plan
/// lays them out.
expected<timeline> timeline_for(const render_spec& spec, std::optional<double> audio_seconds);

/// How long the narration must be made when the slides set the length
/// (nothing when the video follows the audio).
std::optional<double> fixed_audio_seconds(const render_spec& spec);

} // namespace vs::media

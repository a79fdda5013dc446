#pragma once
/// When each slide is on screen and what frame k shows. The timeline is pure
/// arithmetic on (slide count, length, fps, transition), so any frame can be
/// planned, and rendered, independently of every other.

#include "media/error.hpp"
#include "media/render_spec.hpp"

#include <cstdint>
#include <optional>

namespace vs::media {

/// What one output frame shows: slide `first` at `first_progress` (0..1 along
/// its own time on screen), optionally blended with slide `second`, then
/// scaled towards black by `brightness`.
struct frame_plan {
  int first = 0;
  double first_progress = 0.0;
  int second = -1;             ///< -1: a single slide
  double second_progress = 0.0;
  double mix = 0.0;            ///< weight of `second`, 0..1
  double brightness = 1.0;     ///< 1: full picture, 0: black
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

  int slide_count() const { return slide_count_; }
  int fps() const { return fps_; }
  int64_t frame_count() const { return frame_count_; }
  double slide_duration() const { return slide_duration_; }
  double transition() const { return transition_; }
  /// Nominal length (slides laid end to end with their overlaps).
  double duration() const { return duration_; }

  double slide_start(int slide) const { return slide * (slide_duration_ - transition_); }
  /// First and last frame on which `slide` is (at least partly) visible.
  int64_t first_frame_of(int slide) const;
  int64_t last_frame_of(int slide) const;
  /// The slide on screen (the incoming one during a transition) at frame k.
  int slide_at(int64_t frame) const;

  frame_plan plan(int64_t frame) const;

private:
  timeline(int slide_count, int fps, double slide_duration, double transition, double duration,
           int64_t frame_count, transition_kind kind);

  int slide_count_;
  int fps_;
  double slide_duration_;
  double transition_;
  double duration_;
  int64_t frame_count_;
  transition_kind kind_;
};

/// The timeline a job asks for: synced to the narration's `audio_seconds`,
/// or slides of `slide_duration` when `spec.sync_to_audio` is false.
expected<timeline> timeline_for(const render_spec& spec, std::optional<double> audio_seconds);

/// How long the narration must be made when the slides set the length
/// (nothing when the video follows the audio).
std::optional<double> fixed_audio_seconds(const render_spec& spec);

} // namespace vs::media

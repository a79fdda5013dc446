#pragma once
/// What a job says about its pictures, beyond the paths: how each picture is
/// fitted into the frame, how the camera moves over it, how long it stays,
/// which transition leads to the next, and whether a poster is written.
/// Plain values with their JSON spellings; media/slide_plan turns them into
/// per-slide decisions, media/render_spec holds them.

#include "media/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vs::media {

/// How one slide is shown. Every effect is computed on the YUV planes of the
/// working images with sub-pixel positions (media/transitions).
enum class transition_kind {
  crossfade,   ///< a linear blend
  fadeblack,   ///< out to black over the first half, in over the second
  fadewhite,   ///< the same through white
  none,        ///< a hard cut in the middle of the overlap
  slideleft,   ///< the new slide pushes the old one out to the left
  slideright,
  slideup,
  slidedown,
  wipeleft,    ///< a soft edge travels leftwards, uncovering the new slide behind it
  wiperight,
  wipeup,
  wipedown,
  zoom,        ///< the old slide zooms in while the new one fades in
  circle,      ///< the new slide opens in a soft-edged circle from the centre
};

/// Every transition, in the order of the enum (the names error messages list).
const std::vector<transition_kind>& all_transitions();
const char* to_string(transition_kind kind);
/// Parses a transition name; the error lists every valid one and "random".
/// `field` names the parameter in the error ("transition", "transitions").
expected<transition_kind> parse_transition(const std::string& text, const std::string& field = "transition");

/// A boundary's transition: a named one, or one drawn from the job's seed.
struct transition_choice {
  bool random = false;
  transition_kind kind = transition_kind::crossfade;
};
/// Parses a transition name or "random".
expected<transition_choice> parse_transition_choice(const std::string& text, const std::string& field);

/// How a picture fills the frame.
enum class fit_mode {
  cover,    ///< fills the frame, cropping what sticks out (centred)
  contain,  ///< the whole picture, bars in the background colour
  blur,     ///< the whole picture over a blurred, darkened cover-crop of itself
};
const char* to_string(fit_mode fit);
expected<fit_mode> parse_fit(const std::string& text, const std::string& field = "fit");

/// The camera on one slide.
enum class motion_kind {
  automatic,  ///< "auto": zoom in or out, alternating, panning in a direction drawn from the seed
  in,         ///< zoom in towards the focus
  out,        ///< zoom out from the focus
  left,       ///< the picture drifts left (the camera pans right)
  right,
  up,
  down,
  none,       ///< a still picture
};
const char* to_string(motion_kind motion);
expected<motion_kind> parse_motion(const std::string& text, const std::string& field = "motion");

/// An sRGB colour.
struct rgb_color {
  uint8_t r = 0;
  uint8_t g = 0;
  uint8_t b = 0;
  bool operator==(const rgb_color& other) const { return r == other.r && g == other.g && b == other.b; }
};
/// Parses "#RRGGBB" or "#RGB" (hex digits in either case).
expected<rgb_color> parse_color(const std::string& text, const std::string& field = "background");
/// "#rrggbb".
std::string to_string(rgb_color color);

/// A point of a picture as fractions of its width and height (0,0 top left).
struct picture_point {
  double x = 0.5;
  double y = 0.5;
};

/// What one entry of `slides` sets; anything unset follows the job.
struct slide_options {
  std::optional<double> duration;       ///< seconds on screen, overlaps included
  std::optional<fit_mode> fit;
  std::optional<motion_kind> motion;
  std::optional<picture_point> focus;   ///< where a zoom goes, e.g. a face
};

/// The pictures part of a job (render_spec::pictures).
struct picture_options {
  fit_mode fit = fit_mode::cover;       ///< every slide's fit unless it sets its own
  rgb_color background{};               ///< bars of `contain`, under transparent pictures
  motion_kind motion = motion_kind::automatic;  ///< every slide's motion unless it sets its own
  /// Empty, or one entry per slide (render_spec::image_paths holds the paths).
  std::vector<slide_options> slides;
  /// Empty, or where each slide starts (seconds: first 0, increasing).
  std::vector<double> slide_starts;
  bool random_transition = false;       ///< `transition: "random"`: drawn per boundary from the seed
  /// Empty, or one per boundary (slide count − 1); overrides `transition`.
  std::vector<transition_choice> transitions;
  /// Write a poster JPEG; `poster_time` empty: the middle of the first slide.
  bool poster = false;
  std::optional<double> poster_time;
};

} // namespace vs::media

#pragma once
/// The Ken Burns camera: per slide a rectangle that moves, with easing, from a
/// start to an end rectangle inside the working image. Positions are real
/// numbers (sub-pixel); nothing is snapped to the pixel grid, which is what
/// makes FFmpeg's zoompan jitter.

#include "media/picture_options.hpp"
#include "media/working_image.hpp"

#include <cstdint>
#include <optional>

namespace vs::media {

/// A window on the working image, in working-image pixels.
struct camera_rect {
  double x = 0.0;
  double y = 0.0;
  double width = 0.0;
  double height = 0.0;

  double center_x() const { return x + width / 2; }
  double center_y() const { return y + height / 2; }
};

/// Where the camera is at progress 0 and 1. `zoom` is the magnification
/// relative to the whole working image; `focus_x/y` place the window inside
/// the free space (0 = left/top edge, 1 = right/bottom edge).
struct camera_key {
  double zoom = 1.0;
  double focus_x = 0.5;
  double focus_y = 0.5;
};

struct camera_path {
  camera_key from;
  camera_key to;
  /// The focus values are a point of the source picture (fractions of it),
  /// placed once the working image says where the picture lies in it.
  bool picture_focus = false;
};

/// The path for slide `slide_index`: zooms alternate in and out, the pan
/// direction is drawn from `seed`, so the same seed gives the same video.
/// `zoom_factor` 1 or `enabled` false gives a still camera on the full image.
camera_path plan_camera_path(int slide_index, uint64_t seed, double zoom_factor, bool enabled);

/// The path for a slide's `motion`: zooms go towards `focus` (a point of the
/// picture; none: the centre) and keep it in place on screen, pans cross
/// the free space at `zoom_factor`; `automatic` without a focus is
/// plan_camera_path. zoom_factor 1 or motion none: a still camera.
camera_path plan_motion(motion_kind motion, std::optional<picture_point> focus, int slide_index, uint64_t seed,
                        double zoom_factor);

/// `path` with a picture focus turned into placements in a working image of
/// `size` where the picture covers `picture` (clamped to the image).
camera_path in_working_image(const camera_path& path, const picture_area& picture, working_size size);

/// The camera window at `progress` (0..1, eased) for a working image of `size`.
/// A working image is output × zoom_factor, so zoom == zoom_factor samples 1:1.
camera_rect camera_at(const camera_path& path, double progress, working_size size);

/// Ease-in-out used for the camera: zero speed at both ends, smooth in between.
double ease_in_out(double t);

} // namespace vs::media

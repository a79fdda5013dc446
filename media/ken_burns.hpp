#pragma once
/// The Ken Burns camera: per slide a rectangle that moves, with easing, from a
/// start to an end rectangle inside the working image. Positions are real
/// numbers (sub-pixel); nothing is snapped to the pixel grid, which is what
/// makes FFmpeg's zoompan jitter.

#include "media/working_image.hpp"

#include <cstdint>

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
};

/// The path for slide `slide_index`: zooms alternate in and out, the pan
/// direction is drawn from `seed`, so the same seed gives the same video.
/// `zoom_factor` 1 or `enabled` false gives a still camera on the full image.
camera_path plan_camera_path(int slide_index, uint64_t seed, double zoom_factor, bool enabled);

/// The camera window at `progress` (0..1, eased) for a working image of `size`.
/// A working image is output × zoom_factor, so zoom == zoom_factor samples 1:1.
camera_rect camera_at(const camera_path& path, double progress, working_size size);

/// Ease-in-out used for the camera: zero speed at both ends, smooth in between.
double ease_in_out(double t);

} // namespace vs::media

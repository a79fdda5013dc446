#include "media/ken_burns.hpp"

#include "media/seed_hash.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace vs::media {

namespace {

struct focus_point {
  double x;
  double y;
};

// Eight directions away from the centre, kept off the very edge so the
// camera never grazes the border of the picture.
constexpr std::array<focus_point, 8> focus_points = {{
    {0.15, 0.15}, {0.5, 0.1}, {0.85, 0.15}, {0.9, 0.5},
    {0.85, 0.85}, {0.5, 0.9}, {0.15, 0.85}, {0.1, 0.5},
}};

/// Zooms alternate in and out from slide to slide; the seed picks which comes first.
bool zooms_in_automatically(int slide_index, uint64_t seed) {
  bool zoom_in_first = ((seed >> 7) & 1) == 0;
  return (slide_index % 2 == 0) == zoom_in_first;
}

} // namespace

double ease_in_out(double t) {
  t = std::clamp(t, 0.0, 1.0);
  constexpr double pi = 3.14159265358979323846;
  return 0.5 - 0.5 * std::cos(pi * t);
}

camera_path plan_camera_path(int slide_index, uint64_t seed, double zoom_factor, bool enabled) {
  camera_path path;
  if (!enabled || zoom_factor <= 1.0)
    return path;
  uint64_t hash = seed_hash(seed ^ seed_hash(static_cast<uint64_t>(slide_index) + 1));
  const focus_point& focus = focus_points[hash % focus_points.size()];
  // Start on the opposite side of centre from where the camera ends, so the
  // pan crosses the picture instead of drifting.
  camera_key wide{1.0, 0.5 + (0.5 - focus.x) * 0.5, 0.5 + (0.5 - focus.y) * 0.5};
  camera_key close{zoom_factor, focus.x, focus.y};
  bool zoom_in = zooms_in_automatically(slide_index, seed);
  path.from = zoom_in ? wide : close;
  path.to = zoom_in ? close : wide;
  return path;
}

camera_path plan_motion(motion_kind motion, std::optional<picture_point> focus, int slide_index, uint64_t seed,
                        double zoom_factor) {
  camera_path path;
  if (motion == motion_kind::none || zoom_factor <= 1.0)
    return path;
  if (motion == motion_kind::automatic && !focus)
    return plan_camera_path(slide_index, seed, zoom_factor, true);
  const picture_point point = focus.value_or(picture_point{});
  // A zoom keeps `point` where it is on screen while everything grows
  // around it: the window's placement fraction is the point's own fraction.
  const camera_key wide{1.0, point.x, point.y};
  const camera_key close{zoom_factor, point.x, point.y};
  path.picture_focus = focus.has_value();
  switch (motion) {
    case motion_kind::automatic:
      path.from = zooms_in_automatically(slide_index, seed) ? wide : close;
      path.to = zooms_in_automatically(slide_index, seed) ? close : wide;
      break;
    case motion_kind::in:
      path.from = wide;
      path.to = close;
      break;
    case motion_kind::out:
      path.from = close;
      path.to = wide;
      break;
    // Pans cross the whole free space at full zoom (1:1 sampling); the
    // picture moves the opposite way to the camera.
    case motion_kind::left:
      path = {{zoom_factor, 0.0, 0.5}, {zoom_factor, 1.0, 0.5}, false};
      break;
    case motion_kind::right:
      path = {{zoom_factor, 1.0, 0.5}, {zoom_factor, 0.0, 0.5}, false};
      break;
    case motion_kind::up:
      path = {{zoom_factor, 0.5, 0.0}, {zoom_factor, 0.5, 1.0}, false};
      break;
    case motion_kind::down:
      path = {{zoom_factor, 0.5, 1.0}, {zoom_factor, 0.5, 0.0}, false};
      break;
    case motion_kind::none:
      break;
  }
  return path;
}

camera_path in_working_image(const camera_path& path, const picture_area& picture, working_size size) {
  if (!path.picture_focus || picture.width <= 0 || picture.height <= 0)
    return path;
  auto place = [&](camera_key key) {
    key.focus_x = std::clamp((picture.x + key.focus_x * picture.width) / size.width, 0.0, 1.0);
    key.focus_y = std::clamp((picture.y + key.focus_y * picture.height) / size.height, 0.0, 1.0);
    return key;
  };
  return {place(path.from), place(path.to), false};
}

camera_rect camera_at(const camera_path& path, double progress, working_size size) {
  double e = ease_in_out(progress);
  // Interpolate zoom in log space: equal time steps give equal perceived zoom steps.
  double zoom = std::exp(std::log(path.from.zoom) + (std::log(path.to.zoom) - std::log(path.from.zoom)) * e);
  double focus_x = path.from.focus_x + (path.to.focus_x - path.from.focus_x) * e;
  double focus_y = path.from.focus_y + (path.to.focus_y - path.from.focus_y) * e;

  camera_rect rect;
  rect.width = size.width / zoom;
  rect.height = size.height / zoom;
  rect.x = focus_x * (size.width - rect.width);
  rect.y = focus_y * (size.height - rect.height);
  return rect;
}

} // namespace vs::media

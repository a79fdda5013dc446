#include "media/ken_burns.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace vs::media {

namespace {

// splitmix64: a tiny, well-mixed hash, so every slide's choice depends on
// (seed, slide) alone and re-renders are identical.
uint64_t mix(uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

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
  uint64_t hash = mix(seed ^ mix(static_cast<uint64_t>(slide_index) + 1));
  const focus_point& focus = focus_points[hash % focus_points.size()];
  // Start on the opposite side of centre from where the camera ends, so the
  // pan crosses the picture instead of drifting.
  camera_key wide{1.0, 0.5 + (0.5 - focus.x) * 0.5, 0.5 + (0.5 - focus.y) * 0.5};
  camera_key close{zoom_factor, focus.x, focus.y};
  bool zoom_in_first = ((seed >> 7) & 1) == 0;
  bool zoom_in = (slide_index % 2 == 0) == zoom_in_first;
  path.from = zoom_in ? wide : close;
  path.to = zoom_in ? close : wide;
  return path;
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

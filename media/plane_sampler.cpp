#include "media/plane_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace vs::media {

namespace {

constexpr int weight_one = 256;

// Maps target coordinate i (pixel centre i + 0.5) onto the source axis and
// splits it into a left index and a weight for index + 1, both clamped so
// that index + 1 is always inside the plane.
void fill_axis(double offset, double scale, int count, int source_size, int32_t* index, int32_t* weight) {
  const double last = source_size - 1;
  for (int i = 0; i < count; ++i) {
    double position = std::clamp(offset + (i + 0.5) * scale - 0.5, 0.0, last);
    auto left = static_cast<int32_t>(position);
    auto fraction = static_cast<int32_t>(std::lround((position - left) * weight_one));
    if (left >= source_size - 1) {
      left = source_size - 2;
      fraction = weight_one;
    }
    index[i] = left;
    weight[i] = fraction;
  }
}

bool is_integer(double value) { return value == std::floor(value); }

} // namespace

plane_view view_of(yuv_plane& plane) { return {plane.pixels.data(), plane.width, plane.width, plane.height}; }

void sample_plane(const yuv_plane& source, const camera_rect& window, plane_view target, sampler_scratch& scratch) {
  // A still camera on a working image of the output size: no resampling at all.
  if (window.width == target.width && window.height == target.height && is_integer(window.x) &&
      is_integer(window.y) && window.x >= 0 && window.y >= 0 && window.x + window.width <= source.width &&
      window.y + window.height <= source.height) {
    auto x0 = static_cast<size_t>(window.x);
    auto y0 = static_cast<int>(window.y);
    for (int y = 0; y < target.height; ++y)
      std::memcpy(target.row(y), source.row(y0 + y) + x0, static_cast<size_t>(target.width));
    return;
  }

  scratch.column_index.resize(static_cast<size_t>(target.width));
  scratch.column_weight.resize(static_cast<size_t>(target.width));
  int32_t* column_index = scratch.column_index.data();
  int32_t* column_weight = scratch.column_weight.data();
  fill_axis(window.x, window.width / target.width, target.width, source.width, column_index, column_weight);

  const double row_scale = window.height / target.height;
  for (int y = 0; y < target.height; ++y) {
    int32_t top_index = 0;
    int32_t row_weight = 0;
    fill_axis(window.y + y * row_scale, row_scale, 1, source.height, &top_index, &row_weight);
    const uint8_t* top = source.row(top_index);
    const uint8_t* bottom = source.row(top_index + 1);
    uint8_t* out = target.row(y);
    for (int x = 0; x < target.width; ++x) {
      const int32_t i = column_index[x];
      const int32_t w = column_weight[x];
      const int32_t upper = (top[i] << 8) + (top[i + 1] - top[i]) * w;
      const int32_t lower = (bottom[i] << 8) + (bottom[i + 1] - bottom[i]) * w;
      out[x] = static_cast<uint8_t>(((upper << 8) + (lower - upper) * row_weight + (1 << 15)) >> 16);
    }
  }
}

void blend_plane(plane_view target, plane_view other, int weight) {
  for (int y = 0; y < target.height; ++y) {
    uint8_t* out = target.row(y);
    const uint8_t* in = other.row(y);
    for (int x = 0; x < target.width; ++x)
      out[x] = static_cast<uint8_t>(out[x] + (((in[x] - out[x]) * weight + 128) >> 8));
  }
}

void fade_plane(plane_view target, uint8_t black, int level) {
  for (int y = 0; y < target.height; ++y) {
    uint8_t* out = target.row(y);
    for (int x = 0; x < target.width; ++x)
      out[x] = static_cast<uint8_t>(black + (((out[x] - black) * level + 128) >> 8));
  }
}

void fill_plane(plane_view target, uint8_t value) {
  for (int y = 0; y < target.height; ++y)
    std::memset(target.row(y), value, static_cast<size_t>(target.width));
}

} // namespace vs::media

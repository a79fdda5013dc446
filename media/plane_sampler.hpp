#pragma once
/// Pixel kernels on single 8-bit planes: bilinear resampling through a camera
/// window, blending two planes, and fading towards black. Fixed point with
/// 1/256-pixel positions: sub-pixel motion without floating point per pixel.

#include "media/ken_burns.hpp"
#include "media/yuv.hpp"

#include <cstdint>
#include <vector>

namespace vs::media {

/// A writable window on a plane owned elsewhere (an AVFrame, a scratch image).
struct plane_view {
  uint8_t* data = nullptr;
  int stride = 0;
  int width = 0;
  int height = 0;

  uint8_t* row(int y) const { return data + static_cast<ptrdiff_t>(y) * stride; }
};

plane_view view_of(yuv_plane& plane);

/// Per-frame tables reused across frames so the hot path never allocates.
struct sampler_scratch {
  std::vector<int32_t> column_index;
  std::vector<int32_t> column_weight;
};

/// Fills `target` with `source` seen through `window` (in source pixels):
/// target pixel centres map linearly onto the window, bilinear interpolation,
/// edges clamped. An integer-aligned 1:1 window is a plain copy.
void sample_plane(const yuv_plane& source, const camera_rect& window, plane_view target, sampler_scratch& scratch);

/// target = target·(1−w) + other·w, with w = weight/256 (0..256).
void blend_plane(plane_view target, plane_view other, int weight);

/// Moves every sample towards `black` : target = black + (target−black)·level/256.
void fade_plane(plane_view target, uint8_t black, int level);

/// Sets every sample to `value`.
void fill_plane(plane_view target, uint8_t value);

} // namespace vs::media

#pragma once
/// Pixel kernels on single 8-bit planes: bilinear resampling through a camera
/// window, blending two planes, and fading towards black. Fixed point with
/// 1/256-pixel positions: sub-pixel motion without floating point per pixel.

#include "media/ken_burns.hpp"
#include "media/row_kernels.hpp"
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
  std::vector<int32_t> row_index;
  std::vector<int32_t> row_weight;
  std::vector<uint32_t> column_weights;  ///< column_weight packed for the row kernels
  std::vector<int32_t> group_base;       ///< the row kernels' shuffle tables (column_taps)
  std::vector<uint8_t> group_shuffle;
  std::vector<int16_t> mixed_row;        ///< the two source rows under a target row, mixed vertically
};

/// `source` seen through `window` (in source pixels) on a target of
/// `target_width` × `target_height`, drawn row by row or a column range at a
/// time: target pixel centres map linearly onto the window, bilinear
/// interpolation, edges clamped. An integer-aligned 1:1 window is a plain
/// copy. Transitions draw parts of one row from two slides with it, so no
/// frame-sized intermediate is ever needed. Holds pointers into `scratch`.
///
/// Separable: the two source rows are first mixed into one row of 8.8 fixed
/// point (a contiguous loop, vectorised), then each target pixel reads one
/// adjacent pair of that row (media/row_kernels). The result is bit-identical
/// to the four-tap formula, at a fraction of its cost.
class plane_row_sampler {
public:
  plane_row_sampler(const yuv_plane& source, const camera_rect& window, int target_width, int target_height,
                    sampler_scratch& scratch);

  /// Writes target columns [x0, x1) of target row `y` to out[x0] .. out[x1 − 1].
  void sample(int y, int x0, int x1, uint8_t* out) const;

private:
  friend class blended_row_sampler;

  /// The source rows under target row `y`, mixed vertically for the columns that [x0, x1) reads.
  const int16_t* mixed_row(int y, int x0, int x1) const;

  const yuv_plane& source_;
  camera_rect window_;
  int target_width_;
  bool copy_ = false;        ///< integer-aligned 1:1 window
  const int32_t* column_index_ = nullptr;
  const uint32_t* column_weights_ = nullptr;
  const int32_t* row_index_ = nullptr;
  const int32_t* row_weight_ = nullptr;
  const int32_t* group_base_ = nullptr;  ///< null when the kernels must gather
  const uint8_t* group_shuffle_ = nullptr;
  int16_t* mixed_row_ = nullptr;

  column_taps taps(const uint32_t* weights) const;
};

/// Tables of a blend, reused from frame to frame.
struct blend_scratch {
  std::vector<uint32_t> from_weights;
  std::vector<uint32_t> to_weights;
  std::vector<uint8_t> row;
};

/// Two samplers' rows blended: out = from·(1 − w) + to·w with w = share /
/// blend_steps (1/128 steps). Each slide's tap weights are scaled by its share
/// once per plane, so a blended pixel costs two taps and one rounding, no
/// multiply of its own: a crossfade frame costs less than two plain ones.
class blended_row_sampler {
public:
  /// `share` in 1 .. blend_steps − 1 (the ends are one slide alone: use its sampler).
  blended_row_sampler(const plane_row_sampler& from, const plane_row_sampler& to, int share, blend_scratch& scratch);

  /// Writes target columns [x0, x1) of target row `y` to out[x0] .. out[x1 − 1].
  void sample(int y, int x0, int x1, uint8_t* out) const;

private:
  const plane_row_sampler& from_;
  const plane_row_sampler& to_;
  int share_;
  const uint32_t* from_weights_ = nullptr;
  const uint32_t* to_weights_ = nullptr;
  uint8_t* spare_ = nullptr;  ///< a row, when either side is a plain copy
};

/// Fills `target` with `source` seen through `window` (plane_row_sampler, every row).
void sample_plane(const yuv_plane& source, const camera_rect& window, plane_view target, sampler_scratch& scratch);

/// out[x] = out[x]·(1−w) + other[x]·w for x in [x0, x1), w = weight/256 (0..256).
void blend_row(uint8_t* out, const uint8_t* other, int x0, int x1, int weight);

/// out[x] = out[x]·(1−w) + other[x]·w with a weight per pixel, w = weights[x]/256, for x in [x0, x1).
void blend_row_weighted(uint8_t* out, const uint8_t* other, const int32_t* weights, int x0, int x1);

/// target = target·(1−w) + other·w, with w = weight/256 (0..256).
void blend_plane(plane_view target, plane_view other, int weight);

/// Moves every sample towards `black` : target = black + (target−black)·level/256.
void fade_plane(plane_view target, uint8_t black, int level);

/// Sets every sample to `value`.
void fill_plane(plane_view target, uint8_t value);

} // namespace vs::media

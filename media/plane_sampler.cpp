#include "media/plane_sampler.hpp"

#include "media/row_kernels.hpp"

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
    // Rounds half up, as std::lround does for these non-negative values, but
    // inline: (position − left)·256 is exact, and so is adding 0.5 to it.
    auto fraction = static_cast<int32_t>((position - left) * weight_one + 0.5);
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

plane_row_sampler::plane_row_sampler(const yuv_plane& source, const camera_rect& window, int target_width,
                                     int target_height, sampler_scratch& scratch)
    : source_(source), window_(window), target_width_(target_width) {
  // A still camera on a working image of the output size: no resampling at all.
  copy_ = window.width == target_width && window.height == target_height && is_integer(window.x) &&
          is_integer(window.y) && window.x >= 0 && window.y >= 0 && window.x + window.width <= source.width &&
          window.y + window.height <= source.height;
  if (copy_)
    return;
  scratch.column_index.resize(static_cast<size_t>(target_width));
  scratch.column_weight.resize(static_cast<size_t>(target_width));
  fill_axis(window.x, window.width / target_width, target_width, source.width, scratch.column_index.data(),
            scratch.column_weight.data());
  column_index_ = scratch.column_index.data();
  // Rows too, once: wipes and the circle sample a row in several runs.
  scratch.row_index.resize(static_cast<size_t>(target_height));
  scratch.row_weight.resize(static_cast<size_t>(target_height));
  fill_axis(window.y, window.height / target_height, target_height, source.height, scratch.row_index.data(),
            scratch.row_weight.data());
  row_index_ = scratch.row_index.data();
  row_weight_ = scratch.row_weight.data();
  scratch.column_weights.resize(static_cast<size_t>(target_width));
  for (size_t x = 0; x < scratch.column_weights.size(); ++x)
    scratch.column_weights[x] = pack_weights(scratch.column_weight[x]);
  column_weights_ = scratch.column_weights.data();
  scratch.group_base.resize(static_cast<size_t>(group_count(target_width)));
  scratch.group_shuffle.resize(scratch.group_base.size() * group_shuffle_bytes);
  if (build_group_shuffles(column_index_, target_width, scratch.group_base.data(), scratch.group_shuffle.data())) {
    group_base_ = scratch.group_base.data();
    group_shuffle_ = scratch.group_shuffle.data();
  }
  scratch.mixed_row.resize(static_cast<size_t>(source.width) + mixed_row_padding);
  mixed_row_ = scratch.mixed_row.data();
}

column_taps plane_row_sampler::taps(const uint32_t* weights) const {
  return {column_index_, weights, group_base_, group_shuffle_};
}

const int16_t* plane_row_sampler::mixed_row(int y, int x0, int x1) const {
  const int32_t top_index = row_index_[y];
  const int32_t row_weight = row_weight_[y];
  // Only the source columns this run of target pixels reads (indices grow with x).
  mix_rows(source_.row(top_index), source_.row(top_index + 1), column_index_[x0], column_index_[x1 - 1] + 2,
           row_weight, mixed_row_);
  return mixed_row_;
}

void plane_row_sampler::sample(int y, int x0, int x1, uint8_t* out) const {
  if (x1 <= x0)
    return;
  if (copy_) {
    std::memcpy(out + x0, source_.row(static_cast<int>(window_.y) + y) + static_cast<size_t>(window_.x) + x0,
                static_cast<size_t>(x1 - x0));
    return;
  }
  resample_row(mixed_row(y, x0, x1), taps(column_weights_), x0, x1, out);
}

blended_row_sampler::blended_row_sampler(const plane_row_sampler& from, const plane_row_sampler& to, int share,
                                         blend_scratch& scratch)
    : from_(from), to_(to), share_(share) {
  const auto width = static_cast<size_t>(from.target_width_);
  if (from.copy_ || to.copy_) {
    scratch.row.resize(width);
    spare_ = scratch.row.data();
    return;
  }
  scratch.from_weights.resize(width);
  scratch.to_weights.resize(width);
  for (size_t x = 0; x < width; ++x) {
    scratch.from_weights[x] = scale_weights(from.column_weights_[x], blend_steps - share);
    scratch.to_weights[x] = scale_weights(to.column_weights_[x], share);
  }
  from_weights_ = scratch.from_weights.data();
  to_weights_ = scratch.to_weights.data();
}

void blended_row_sampler::sample(int y, int x0, int x1, uint8_t* out) const {
  if (x1 <= x0)
    return;
  if (spare_ != nullptr) {
    // A plain copy has no taps to scale: sample both and blend (rounded twice).
    from_.sample(y, x0, x1, out);
    to_.sample(y, x0, x1, spare_);
    return blend_row(out, spare_, x0, x1, share_ * (weight_one / blend_steps));
  }
  resample_blended_rows(from_.mixed_row(y, x0, x1), from_.taps(from_weights_), to_.mixed_row(y, x0, x1),
                        to_.taps(to_weights_), x0, x1, out);
}

void sample_plane(const yuv_plane& source, const camera_rect& window, plane_view target, sampler_scratch& scratch) {
  const plane_row_sampler sampler(source, window, target.width, target.height, scratch);
  for (int y = 0; y < target.height; ++y)
    sampler.sample(y, 0, target.width, target.row(y));
}

// The whole-row loops below are compiled twice, for AVX2 and the baseline,
// and the loader picks one (target_clones): with the sampling in SIMD, a
// fade done 16 bytes at a time cost a third of a frame.
#define VS_ROW_LOOP __attribute__((target_clones("avx2", "default")))

VS_ROW_LOOP void blend_row(uint8_t* out, const uint8_t* other, int x0, int x1, int weight) {
  for (int x = x0; x < x1; ++x)
    out[x] = static_cast<uint8_t>(out[x] + (((other[x] - out[x]) * weight + 128) >> 8));
}

VS_ROW_LOOP void blend_row_weighted(uint8_t* __restrict out, const uint8_t* __restrict other,
                                    const int32_t* __restrict weights, int x0, int x1) {
  for (int x = x0; x < x1; ++x)
    out[x] = static_cast<uint8_t>(out[x] + (((other[x] - out[x]) * weights[x] + 128) >> 8));
}

void blend_plane(plane_view target, plane_view other, int weight) {
  for (int y = 0; y < target.height; ++y)
    blend_row(target.row(y), other.row(y), 0, target.width, weight);
}

VS_ROW_LOOP void fade_plane(plane_view target, uint8_t black, int level) {
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

#pragma once
/// The sampler's inner loops on one row: mixing two source rows vertically,
/// and the horizontal tap that turns a mixed row into target pixels, alone or
/// blended with a second slide's. A portable version always exists; an AVX2
/// version (per 8 pixels: two loads and one byte shuffle, or one gather, then
/// one multiply-add) is chosen at run time where the CPU has it. Both give
/// bit-identical results (tests/media/plane_sampler_test.cpp).

#include <cstdint>

namespace vs::media {

/// A mixed row holds top·(256 − w) + bottom·w per source column, less 32768 so
/// that it fits a signed 16-bit word (what the SIMD multiply-add takes).
constexpr int32_t mixed_bias = 32768;

/// Per target column: the left source column, and the pair of horizontal
/// weights packed as (w << 16) | (256 − w) for columns left + 1 and left.
struct column_taps {
  const int32_t* index = nullptr;
  const uint32_t* weights = nullptr;
  /// For the SIMD kernels, per group of 4 target columns (group g is columns
  /// 4g .. 4g + 3): the first source column, and a byte shuffle that picks
  /// each column's pair out of the 8 words from there. Null when some group
  /// reaches wider (a window over 1.6 times the target): then they gather.
  const int32_t* group_base = nullptr;
  const uint8_t* group_shuffle = nullptr;
};

/// Extra words a mixed row needs past its last column: the shuffle kernels
/// read 8 words from a group's first column.
constexpr int mixed_row_padding = 8;

/// Fills the group tables of `width` target columns from their left source
/// columns; false (tables unusable) when a group's pairs span over 8 words.
bool build_group_shuffles(const int32_t* index, int width, int32_t* group_base, uint8_t* group_shuffle);

/// Sizes of those tables for `width` target columns.
inline int group_count(int width) { return (width + 3) / 4; }
constexpr int group_shuffle_bytes = 16;

uint32_t pack_weights(int32_t weight);

/// A crossfade's weight is in 1/128 steps: a pair of horizontal weights (up
/// to 256) times a share (up to 127) still fits the signed 16-bit words of
/// the SIMD multiply-add, and the whole sum fits 32 bits.
constexpr int32_t blend_steps = 128;

/// Packed weights (pack_weights) scaled by `share` of blend_steps (1 .. 127).
uint32_t scale_weights(uint32_t packed, int32_t share);

/// mixed[c] = top[c]·(256 − w) + bottom[c]·w − mixed_bias for c in [begin, end).
void mix_rows(const uint8_t* top, const uint8_t* bottom, int begin, int end, int32_t weight, int16_t* mixed);

/// out[x] for x in [x0, x1): `mixed` resampled through `taps`, rounded once.
void resample_row(const int16_t* mixed, column_taps taps, int x0, int x1, uint8_t* out);

/// out[x] for x in [x0, x1): both mixed rows resampled through their own
/// taps, whose weights are scaled by their shares of a blend (scale_weights,
/// shares summing to blend_steps), summed and rounded once: a crossfade in one
/// pass, with no multiply beyond the taps' own.
void resample_blended_rows(const int16_t* mixed_a, column_taps taps_a, const int16_t* mixed_b, column_taps taps_b,
                           int x0, int x1, uint8_t* out);

enum class row_kernel_set { portable, avx2 };

/// Chooses the kernels (tests compare them); false, and no change, when the CPU lacks them.
bool use_row_kernels(row_kernel_set set);

/// The set in use: AVX2 when the CPU has it, unless a test chose otherwise.
row_kernel_set active_row_kernels();

} // namespace vs::media

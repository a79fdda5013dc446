#include "media/row_kernels.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VS_HAVE_X86 1
#endif

namespace vs::media {

namespace {

constexpr int32_t weight_one = 256;
/// Adds back the bias of both taps (their weights sum to 256) and rounds.
constexpr int32_t unbias_and_round = (mixed_bias << 8) + (1 << 15);
/// The same for the four taps of a blend (their weights sum to 256 · 128):
/// at most 65280 · 2^15 + 2^22 in all, inside int32.
constexpr int32_t blend_shift = 8 + 8 + 7;
constexpr int32_t blend_unbias_and_round = (mixed_bias << 15) + (1 << (blend_shift - 1));
static_assert(blend_steps == 1 << 7, "blend_shift assumes 1/128 steps");

// The portable loops; the AVX2 kernels below fall back to them for runs too
// short for a block and for a run's unaligned ends.
inline void mix_rows_body(const uint8_t* __restrict top, const uint8_t* __restrict bottom, int begin, int end,
                          int32_t weight, int16_t* __restrict mixed) {
  for (int c = begin; c < end; ++c)
    mixed[c] = static_cast<int16_t>((top[c] << 8) + (bottom[c] - top[c]) * weight - mixed_bias);
}

inline int32_t tap(const int16_t* mixed, int32_t index, uint32_t weights) {
  const int32_t weight = static_cast<int32_t>(weights >> 16);
  const int32_t left = mixed[index];
  // A biased word may be negative: multiplied, not shifted (a left shift of a negative value is undefined).
  return (left * 256 + (mixed[index + 1] - left) * weight + unbias_and_round) >> 16;
}

// A pair of taps weighed by scaled weights, before any rounding.
inline int32_t weighed_pair(const int16_t* mixed, int32_t index, uint32_t weights) {
  return mixed[index] * static_cast<int32_t>(weights & 0xffff) + mixed[index + 1] * static_cast<int32_t>(weights >> 16);
}

void resample_row_portable(const int16_t* mixed, column_taps taps, int x0, int x1, uint8_t* out) {
  // Locals: `out` may alias anything, so struct members would be reloaded every pixel.
  const int32_t* index = taps.index;
  const uint32_t* weights = taps.weights;
  for (int x = x0; x < x1; ++x)
    out[x] = static_cast<uint8_t>(tap(mixed, index[x], weights[x]));
}

void resample_blended_rows_portable(const int16_t* mixed_a, column_taps taps_a, const int16_t* mixed_b,
                                    column_taps taps_b, int x0, int x1, uint8_t* out) {
  const int32_t* index_a = taps_a.index;
  const uint32_t* weights_a = taps_a.weights;
  const int32_t* index_b = taps_b.index;
  const uint32_t* weights_b = taps_b.weights;
  for (int x = x0; x < x1; ++x)
    out[x] = static_cast<uint8_t>((weighed_pair(mixed_a, index_a[x], weights_a[x]) +
                                   weighed_pair(mixed_b, index_b[x], weights_b[x]) + blend_unbias_and_round) >>
                                  blend_shift);
}

#ifdef VS_HAVE_X86

/// Sixteen columns from c. In 16-bit lanes the products wrap, but the sum is
/// exact modulo 2^16 and lies in 0 .. 65280, so the wrapped value is it; the
/// bias is then a flip of the top bit.
__attribute__((target("avx2"))) inline void mix16(const uint8_t* top, const uint8_t* bottom, size_t c, __m256i weight,
                                                  int16_t* mixed) {
  const __m256i upper = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(top + c)));
  const __m256i lower = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bottom + c)));
  const __m256i sum =
      _mm256_add_epi16(_mm256_slli_epi16(upper, 8), _mm256_mullo_epi16(_mm256_sub_epi16(lower, upper), weight));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(mixed + c), _mm256_xor_si256(sum, _mm256_set1_epi16(-0x8000)));
}

/// Calls block(x) for x = begin, begin + 16, ..., the last call at end − 16
/// (end − begin ≥ 16), overlapping the one before: every kernel here computes
/// a block from its inputs alone, so writing part of it twice writes the same
/// values, and no pixel is left to a scalar tail.
template <typename Block>
__attribute__((target("avx2"))) inline void each_block16(size_t begin, size_t end, const Block& block) {
  for (size_t x = begin;; x += 16) {
    x = std::min(x, end - 16);
    block(x);
    if (x + 16 == end)
      return;
  }
}

/// Sixteen columns at a time: short runs of wipes and the circle have no
/// scalar tail, which cost as much as the blocks.
__attribute__((target("avx2"))) void mix_rows_avx2(const uint8_t* top, const uint8_t* bottom, int begin, int end,
                                                   int32_t weight, int16_t* mixed) {
  if (end - begin < 16)
    return mix_rows_body(top, bottom, begin, end, weight, mixed);
  const __m256i weights = _mm256_set1_epi16(static_cast<int16_t>(weight));
  each_block16(static_cast<size_t>(begin), static_cast<size_t>(end),
               [&](size_t c) __attribute__((target("avx2"))) { mix16(top, bottom, c, weights, mixed); });
}

/// Each target pixel's two neighbouring words, for eight pixels from x, as
/// 32-bit lanes. `Shuffled` (group tables, x a multiple of 4): two loads of 8
/// words and one byte shuffle; otherwise one gather. A template, so that each
/// loop is compiled without a branch in it.
template <bool Shuffled>
__attribute__((target("avx2"))) inline __m256i pairs8(const int16_t* mixed, const column_taps& taps, size_t x) {
  if constexpr (Shuffled) {
    const size_t group = x / 4;
    const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(mixed + taps.group_base[group]));
    const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(mixed + taps.group_base[group + 1]));
    const __m256i words = _mm256_inserti128_si256(_mm256_castsi128_si256(low), high, 1);
    const __m256i shuffle =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(taps.group_shuffle + group * group_shuffle_bytes));
    return _mm256_shuffle_epi8(words, shuffle);
  } else {
    const __m256i index = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(taps.index + x));
    return _mm256_i32gather_epi32(reinterpret_cast<const int*>(mixed), index, 2);
  }
}

/// Eight target pixels' weighed pairs as 32-bit lanes, unrounded: one
/// multiply-add weighs each pixel's pair.
template <bool Shuffled>
__attribute__((target("avx2"))) inline __m256i weighed8(const int16_t* mixed, const column_taps& taps, size_t x) {
  const __m256i weights = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(taps.weights + x));
  return _mm256_madd_epi16(pairs8<Shuffled>(mixed, taps, x), weights);
}

/// Eight target pixels as 32-bit lanes (0..255).
template <bool Shuffled>
__attribute__((target("avx2"))) inline __m256i taps8(const int16_t* mixed, const column_taps& taps, size_t x) {
  return _mm256_srai_epi32(_mm256_add_epi32(weighed8<Shuffled>(mixed, taps, x), _mm256_set1_epi32(unbias_and_round)),
                           16);
}

/// Eight target pixels of a blend (0..255): both slides' weighed pairs summed, rounded once.
template <bool Shuffled>
__attribute__((target("avx2"))) inline __m256i blended8(const int16_t* mixed_a, const column_taps& taps_a,
                                                        const int16_t* mixed_b, const column_taps& taps_b, size_t x) {
  const __m256i sum = _mm256_add_epi32(weighed8<Shuffled>(mixed_a, taps_a, x), weighed8<Shuffled>(mixed_b, taps_b, x));
  return _mm256_srai_epi32(_mm256_add_epi32(sum, _mm256_set1_epi32(blend_unbias_and_round)), blend_shift);
}

/// Stores lanes 0..255 of `low` then `high` as sixteen bytes.
__attribute__((target("avx2"))) inline void store16(uint8_t* out, __m256i low, __m256i high) {
  // packus works within 128-bit lanes; the permutes put the pixels back in order.
  __m256i words = _mm256_permute4x64_epi64(_mm256_packus_epi32(low, high), 0xD8);
  __m256i bytes = _mm256_permute4x64_epi64(_mm256_packus_epi16(words, words), 0x08);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm256_castsi256_si128(bytes));
}

/// Where the blocks of 16 go in a run [x0, x1): [begin, end). With group
/// tables blocks start on a multiple of 4, so a run's unaligned ends (at most
/// 3 pixels each) are left to the scalar loop. The last block ends at `end`,
/// overlapping the one before: it writes the same values again.
struct block_span {
  int begin = 0;
  int end = 0;
  bool any = false;
};

block_span blocks_of(bool aligned, int x0, int x1) {
  block_span span{aligned ? (x0 + 3) / 4 * 4 : x0, aligned ? x1 / 4 * 4 : x1};
  span.any = span.end - span.begin >= 16;
  return span;
}

template <bool Shuffled>
__attribute__((target("avx2"))) void resample_blocks(const int16_t* mixed, const column_taps& taps, size_t begin,
                                                     size_t end, uint8_t* out) {
  each_block16(begin, end, [&](size_t x) __attribute__((target("avx2"))) {
    store16(out + x, taps8<Shuffled>(mixed, taps, x), taps8<Shuffled>(mixed, taps, x + 8));
  });
}

template <bool Shuffled>
__attribute__((target("avx2"))) void blend_blocks(const int16_t* mixed_a, const column_taps& taps_a,
                                                  const int16_t* mixed_b, const column_taps& taps_b, size_t begin,
                                                  size_t end, uint8_t* out) {
  each_block16(begin, end, [&](size_t x) __attribute__((target("avx2"))) {
    store16(out + x, blended8<Shuffled>(mixed_a, taps_a, mixed_b, taps_b, x),
            blended8<Shuffled>(mixed_a, taps_a, mixed_b, taps_b, x + 8));
  });
}

__attribute__((target("avx2"))) void resample_row_avx2(const int16_t* mixed, column_taps taps, int x0, int x1,
                                                       uint8_t* out) {
  const bool shuffled = taps.group_base != nullptr;
  const block_span span = blocks_of(shuffled, x0, x1);
  if (!span.any)
    return resample_row_portable(mixed, taps, x0, x1, out);
  resample_row_portable(mixed, taps, x0, span.begin, out);
  const auto begin = static_cast<size_t>(span.begin), end = static_cast<size_t>(span.end);
  if (shuffled)
    resample_blocks<true>(mixed, taps, begin, end, out);
  else
    resample_blocks<false>(mixed, taps, begin, end, out);
  resample_row_portable(mixed, taps, span.end, x1, out);
}

__attribute__((target("avx2"))) void resample_blended_rows_avx2(const int16_t* mixed_a, column_taps taps_a,
                                                                const int16_t* mixed_b, column_taps taps_b, int x0,
                                                                int x1, uint8_t* out) {
  // Both sides share the blocks: shuffled only when both have group tables.
  const bool shuffled = taps_a.group_base != nullptr && taps_b.group_base != nullptr;
  const block_span span = blocks_of(shuffled, x0, x1);
  if (!span.any)
    return resample_blended_rows_portable(mixed_a, taps_a, mixed_b, taps_b, x0, x1, out);
  resample_blended_rows_portable(mixed_a, taps_a, mixed_b, taps_b, x0, span.begin, out);
  const auto begin = static_cast<size_t>(span.begin), end = static_cast<size_t>(span.end);
  if (shuffled)
    blend_blocks<true>(mixed_a, taps_a, mixed_b, taps_b, begin, end, out);
  else
    blend_blocks<false>(mixed_a, taps_a, mixed_b, taps_b, begin, end, out);
  resample_blended_rows_portable(mixed_a, taps_a, mixed_b, taps_b, span.end, x1, out);
}

bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

#else

bool cpu_has_avx2() { return false; }

#endif

std::atomic<row_kernel_set>& chosen_set() {
  static std::atomic<row_kernel_set> chosen{cpu_has_avx2() ? row_kernel_set::avx2 : row_kernel_set::portable};
  return chosen;
}

bool simd() { return chosen_set().load(std::memory_order_relaxed) == row_kernel_set::avx2; }

} // namespace

uint32_t pack_weights(int32_t weight) {
  return static_cast<uint32_t>(weight) << 16 | static_cast<uint32_t>(weight_one - weight);
}

bool build_group_shuffles(const int32_t* index, int width, int32_t* group_base, uint8_t* group_shuffle) {
  for (int group = 0; group < group_count(width); ++group) {
    const int first = group * 4;
    const int32_t base = index[first];
    group_base[group] = base;
    uint8_t* shuffle = group_shuffle + static_cast<std::ptrdiff_t>(group) * group_shuffle_bytes;
    for (int k = 0; k < 4; ++k) {
      // Columns past the end repeat the last one: the kernels never store them.
      const int32_t offset = index[std::min(first + k, width - 1)] - base;
      if (offset < 0 || offset + 1 >= 8)
        return false;
      for (int byte = 0; byte < 4; ++byte)
        shuffle[k * 4 + byte] = static_cast<uint8_t>(offset * 2 + byte);
    }
  }
  return true;
}

uint32_t scale_weights(uint32_t packed, int32_t share) {
  const auto factor = static_cast<uint32_t>(share);
  return ((packed >> 16) * factor) << 16 | (packed & 0xffff) * factor;
}

void mix_rows(const uint8_t* top, const uint8_t* bottom, int begin, int end, int32_t weight, int16_t* mixed) {
#ifdef VS_HAVE_X86
  if (simd())
    return mix_rows_avx2(top, bottom, begin, end, weight, mixed);
#endif
  mix_rows_body(top, bottom, begin, end, weight, mixed);
}

void resample_row(const int16_t* mixed, column_taps taps, int x0, int x1, uint8_t* out) {
#ifdef VS_HAVE_X86
  if (simd())
    return resample_row_avx2(mixed, taps, x0, x1, out);
#endif
  resample_row_portable(mixed, taps, x0, x1, out);
}

void resample_blended_rows(const int16_t* mixed_a, column_taps taps_a, const int16_t* mixed_b, column_taps taps_b,
                           int x0, int x1, uint8_t* out) {
#ifdef VS_HAVE_X86
  if (simd())
    return resample_blended_rows_avx2(mixed_a, taps_a, mixed_b, taps_b, x0, x1, out);
#endif
  resample_blended_rows_portable(mixed_a, taps_a, mixed_b, taps_b, x0, x1, out);
}

bool use_row_kernels(row_kernel_set set) {
  if (set == row_kernel_set::avx2 && !cpu_has_avx2())
    return false;
  chosen_set().store(set, std::memory_order_relaxed);
  return true;
}

row_kernel_set active_row_kernels() { return chosen_set().load(std::memory_order_relaxed); }

} // namespace vs::media

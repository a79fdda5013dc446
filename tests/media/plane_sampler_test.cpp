#include "media/frame_composer.hpp"
#include "media/plane_sampler.hpp"
#include "media/row_kernels.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

using namespace vs::media;

namespace {

yuv_plane ramp(int width, int height) {
  yuv_plane plane;
  plane.width = width;
  plane.height = height;
  plane.pixels.resize(static_cast<size_t>(width) * height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      plane.pixels[static_cast<size_t>(y) * width + x] = static_cast<uint8_t>((x * 4 + y) % 256);
  return plane;
}

yuv_plane blank(int width, int height) {
  yuv_plane plane;
  plane.width = width;
  plane.height = height;
  plane.pixels.assign(static_cast<size_t>(width) * height, 0);
  return plane;
}

} // namespace

TEST_CASE("a 1:1 integer window copies pixels exactly", "[sampler]") {
  auto source = ramp(64, 32);
  auto target = blank(32, 16);
  sampler_scratch scratch;
  sample_plane(source, {8, 4, 32, 16}, view_of(target), scratch);
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 32; ++x)
      CHECK(target.row(y)[x] == source.row(y + 4)[x + 8]);
}

TEST_CASE("a half-pixel shift interpolates between neighbours", "[sampler]") {
  auto source = ramp(64, 32);
  auto target = blank(16, 8);
  sampler_scratch scratch;
  sample_plane(source, {10.5, 3, 16, 8}, view_of(target), scratch);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 16; ++x) {
      double expected = (source.row(y + 3)[x + 10] + source.row(y + 3)[x + 11]) / 2.0;
      CHECK(std::abs(target.row(y)[x] - expected) <= 0.5 + 1e-9);
    }
}

TEST_CASE("sub-pixel window moves shift the picture smoothly", "[sampler]") {
  // A ramp rising 8 per pixel: moving the window by 1/8 px must raise every
  // sample by exactly 1, not jump by a whole pixel's worth every 8 steps.
  yuv_plane source;
  source.width = 40;
  source.height = 4;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 40; ++x)
      source.pixels.push_back(static_cast<uint8_t>(std::min(255, x * 6)));
  auto target = blank(16, 2);
  sampler_scratch scratch;
  std::vector<uint8_t> previous;
  for (int i = 0; i <= 16; ++i) {
    sample_plane(source, {4 + i / 8.0, 1, 16, 2}, view_of(target), scratch);
    if (!previous.empty())
      for (size_t p = 0; p < target.pixels.size(); ++p) {
        int rise = target.pixels[p] - previous[p];
        // 6 per pixel → 0.75 per 1/8 px: every step moves 0 or 1 level, and
        // over the 16 steps each sample rises by the full 12.
        CHECK((rise == 0 || rise == 1));
      }
    previous = target.pixels;
  }
  sample_plane(source, {4, 1, 16, 2}, view_of(target), scratch);
  auto start = target.pixels;
  sample_plane(source, {6, 1, 16, 2}, view_of(target), scratch);
  for (size_t p = 0; p < target.pixels.size(); ++p)
    CHECK(target.pixels[p] - start[p] == 12);
  // Between whole-pixel positions the values are in between, not snapped.
  sample_plane(source, {4.5, 1, 16, 2}, view_of(target), scratch);
  CHECK(target.pixels[0] == start[0] + 3);
}

TEST_CASE("downscaling keeps the picture's edges at the window's edges", "[sampler]") {
  auto source = ramp(200, 100);
  auto target = blank(100, 50);
  sampler_scratch scratch;
  sample_plane(source, {0, 0, 200, 100}, view_of(target), scratch);
  // Target pixel 0 maps to source 0.5: between columns 0 and 1.
  CHECK(std::abs(target.row(0)[0] - (source.row(0)[0] + source.row(0)[1] + source.row(1)[0] + source.row(1)[1]) / 4.0) <= 1);
  // The last target pixel samples near the source's last column, never beyond.
  CHECK(std::abs(target.row(49)[99] - source.row(99)[199]) <= 6);
}

TEST_CASE("blend and fade are exact at their ends and linear between", "[sampler]") {
  auto a = blank(8, 2);
  auto b = blank(8, 2);
  std::fill(a.pixels.begin(), a.pixels.end(), 200);
  std::fill(b.pixels.begin(), b.pixels.end(), 100);
  auto mixed = a;
  blend_plane(view_of(mixed), view_of(b), 128);
  CHECK(mixed.pixels[3] == 150);
  auto all_b = a;
  blend_plane(view_of(all_b), view_of(b), 256);
  CHECK(all_b.pixels[0] == 100);
  auto none = a;
  blend_plane(view_of(none), view_of(b), 0);
  CHECK(none.pixels[0] == 200);

  auto faded = a;
  fade_plane(view_of(faded), 16, 0);
  CHECK(faded.pixels[5] == 16);
  auto half = a;
  fade_plane(view_of(half), 16, 128);
  CHECK(half.pixels[5] == 108);
}

TEST_CASE("compose_frame crossfades two slides and fades to black", "[composer]") {
  render_spec spec;
  spec.width = 64;
  spec.height = 36;
  spec.ken_burns = false;
  auto t = timeline::synced_to_audio(2, 4.0, 10, 1.0, transition_kind::crossfade);
  REQUIRE(t);
  auto job = make_render_plan(spec, *t);
  CHECK(job.work.width == 64);
  auto white = make_yuv_image(64, 36);
  auto black = make_yuv_image(64, 36);
  std::fill(white.y.pixels.begin(), white.y.pixels.end(), 235);
  std::fill(black.y.pixels.begin(), black.y.pixels.end(), 16);
  for (auto* plane : {&white.u, &white.v, &black.u, &black.v})
    std::fill(plane->pixels.begin(), plane->pixels.end(), 128);

  auto out = make_yuv_image(64, 36);
  compose_scratch scratch;
  compose_frame(job, t->plan(20), white, &black, view_of(out), scratch);
  CHECK(out.y.pixels[100] == Approx((235 + 16) / 2.0).margin(1));
  CHECK(out.u.pixels[10] == 128);

  frame_plan fade;
  fade.first = 0;
  fade.brightness = 0.0;
  compose_frame(job, fade, white, nullptr, view_of(out), scratch);
  CHECK(out.y.pixels[0] == 16);
}

namespace {

/// The four-tap bilinear formula the sampler must reproduce bit for bit:
/// weights from the same 1/256 fixed-point axis mapping, one rounding at the end.
uint8_t four_tap(const yuv_plane& source, int left, int column_weight, int top, int row_weight) {
  const int upper = (source.row(top)[left] << 8) + (source.row(top)[left + 1] - source.row(top)[left]) * column_weight;
  const int lower =
      (source.row(top + 1)[left] << 8) + (source.row(top + 1)[left + 1] - source.row(top + 1)[left]) * column_weight;
  return static_cast<uint8_t>(((upper << 8) + (lower - upper) * row_weight + (1 << 15)) >> 16);
}

/// Where target coordinate i (centre i + 0.5) lands on a source axis: left index and 1/256 weight, clamped.
std::pair<int, int> axis(double offset, double scale, int i, int size) {
  double position = std::clamp(offset + (i + 0.5) * scale - 0.5, 0.0, size - 1.0);
  int left = static_cast<int>(position);
  int weight = static_cast<int>(std::lround((position - left) * 256));
  if (left >= size - 1)
    return {size - 2, 256};
  return {left, weight};
}

/// Noise, so that every tap matters.
yuv_plane noise(int width, int height, uint32_t seed) {
  yuv_plane plane = blank(width, height);
  for (auto& pixel : plane.pixels) {
    seed = seed * 1664525u + 1013904223u;
    pixel = static_cast<uint8_t>(seed >> 24);
  }
  return plane;
}

/// Chooses a kernel set for one test and restores the one before afterwards.
class kernel_choice {
public:
  explicit kernel_choice(row_kernel_set set) : before_(active_row_kernels()), usable_(use_row_kernels(set)) {}
  ~kernel_choice() { use_row_kernels(before_); }
  bool usable() const { return usable_; }

private:
  row_kernel_set before_;
  bool usable_;
};

/// Windows that zoom in, zoom out, sit at fractional positions and run past
/// the edges (clamping), on targets whose widths are and are not multiples
/// of 4 and one so narrow that the SIMD kernels must gather (a window over
/// 1.6 times the target).
const std::vector<camera_rect> windows = {
    {3.37, 2.71, 80.5, 45.25}, {0, 0, 97, 61},         {10.9, 7.1, 20.3, 11.7},
    {-4.5, -3.25, 105, 70},    {40.01, 30.99, 56.9, 30}};
const std::vector<std::pair<int, int>> target_sizes = {{64, 36}, {61, 33}, {22, 14}};

/// Target row y drawn whole on even rows; on odd rows in runs, as wipes and the circle draw them.
template <typename Sampler>
void draw_row(const Sampler& sampler, int y, yuv_plane& target) {
  if (y % 2 == 0)
    return sampler.sample(y, 0, target.width, target.row(y));
  int begin = 0;
  for (int end : {1, 8, 31, 50, target.width}) {
    end = std::min(end, target.width);
    if (end > begin)
      sampler.sample(y, begin, end, target.row(y));
    begin = std::max(begin, end);
  }
}

/// A source column mixed vertically, exactly: top·(256 − w) + bottom·w.
int64_t mixed_exactly(const yuv_plane& source, int top, int row_weight, int column) {
  return source.row(top)[column] * (256 - row_weight) + source.row(top + 1)[column] * row_weight;
}

} // namespace

TEST_CASE("the separable sampler equals the four-tap bilinear formula exactly on whole rows and on runs",
          "[sampler]") {
  const yuv_plane source = noise(97, 61, 12345);
  // Every kernel set this CPU has: the portable one always, AVX2 where present.
  const kernel_choice kernels(GENERATE(row_kernel_set::portable, row_kernel_set::avx2));
  if (!kernels.usable()) {
    WARN("this CPU lacks the AVX2 row kernels; only the portable ones are checked");
    return;
  }
  for (auto [width, height] : target_sizes)
    for (const auto& window : windows) {
      auto target = blank(width, height);
      sampler_scratch scratch;
      const plane_row_sampler sampler(source, window, target.width, target.height, scratch);
      for (int y = 0; y < target.height; ++y)
        draw_row(sampler, y, target);
      for (int y = 0; y < target.height; ++y) {
        auto [top, row_weight] = axis(window.y, window.height / target.height, y, source.height);
        for (int x = 0; x < target.width; ++x) {
          auto [left, column_weight] = axis(window.x, window.width / target.width, x, source.width);
          INFO("target " << width << "x" << height << ", window x " << window.x << " y " << window.y << ", pixel "
                         << x << "," << y);
          REQUIRE(target.row(y)[x] == four_tap(source, left, column_weight, top, row_weight));
        }
      }
    }
}

TEST_CASE("a blend of two samplers equals the weighted sum of both slides' taps rounded once", "[sampler]") {
  const yuv_plane from_source = noise(97, 61, 777);
  const yuv_plane to_source = noise(97, 61, 4242);
  const kernel_choice kernels(GENERATE(row_kernel_set::portable, row_kernel_set::avx2));
  if (!kernels.usable()) {
    WARN("this CPU lacks the AVX2 row kernels; only the portable ones are checked");
    return;
  }
  for (auto [width, height] : target_sizes)
    for (int share : {1, 37, 64, 127}) {
      const camera_rect& from_window = windows[0];
      const camera_rect& to_window = windows[static_cast<size_t>(share) % windows.size()];
      auto target = blank(width, height);
      sampler_scratch from_scratch, to_scratch;
      blend_scratch scratch;
      const plane_row_sampler from(from_source, from_window, width, height, from_scratch);
      const plane_row_sampler to(to_source, to_window, width, height, to_scratch);
      const blended_row_sampler both(from, to, share, scratch);
      for (int y = 0; y < height; ++y)
        draw_row(both, y, target);
      for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
          // Σ over both slides and both columns of mixed · column weight · share, in 2^23ths.
          int64_t sum = 0;
          for (auto [source, window, slide_share] : {std::tuple{&from_source, from_window, blend_steps - share},
                                                     std::tuple{&to_source, to_window, share}}) {
            auto [top, row_weight] = axis(window.y, window.height / height, y, source->height);
            auto [left, column_weight] = axis(window.x, window.width / width, x, source->width);
            sum += (mixed_exactly(*source, top, row_weight, left) * (256 - column_weight) +
                    mixed_exactly(*source, top, row_weight, left + 1) * column_weight) *
                   slide_share;
          }
          INFO("target " << width << "x" << height << ", share " << share << ", pixel " << x << "," << y);
          REQUIRE(target.row(y)[x] == static_cast<uint8_t>((sum + (1 << 22)) >> 23));
        }
    }
}

#include "media/image_decode.hpp"
#include "media/working_image.hpp"

#include <catch2/catch.hpp>

#include <utility>
#include <vector>

using namespace vs;
using namespace vs::media;

namespace {

/// A picture whose outer thirds (left/right, or top/bottom when `vertical`)
/// are red and whose middle third is green.
rgb_image thirds(int width, int height, bool vertical) {
  rgb_image image{width, height, pixel_buffer(static_cast<size_t>(width * height * 3))};
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      int along = vertical ? y : x;
      int length = vertical ? height : width;
      bool middle = along >= length / 3 && along < 2 * length / 3;
      uint8_t* pixel = &image.pixels[static_cast<size_t>((y * width + x) * 3)];
      pixel[0] = middle ? 0 : 255;
      pixel[1] = middle ? 255 : 0;
      pixel[2] = 0;
    }
  return image;
}

uint8_t at(const yuv_plane& plane, int x, int y) { return plane.row(y)[x]; }

// BT.709 limited range: pure green is Y 173, U 42, V 26; pure red Y 63, U 102, V 240.
void check_green(const yuv_image& image, int x, int y) {
  CHECK(int(at(image.y, x, y)) == Approx(173).margin(3));
  CHECK(int(at(image.u, x / 2, y / 2)) == Approx(42).margin(3));
  CHECK(int(at(image.v, x / 2, y / 2)) == Approx(26).margin(3));
}

void check_red(const yuv_image& image, int x, int y) {
  CHECK(int(at(image.y, x, y)) == Approx(63).margin(3));
  CHECK(int(at(image.u, x / 2, y / 2)) == Approx(102).margin(3));
  CHECK(int(at(image.v, x / 2, y / 2)) == Approx(240).margin(3));
}

/// Chroma planes of 4:2:0: half the luma size, rounded up.
void check_plane_sizes(const yuv_image& image, int width, int height) {
  CHECK(image.y.width == width);
  CHECK(image.y.height == height);
  CHECK(image.y.pixels.size() == static_cast<size_t>(width) * static_cast<size_t>(height));
  for (const yuv_plane* chroma : {&image.u, &image.v}) {
    CHECK(chroma->width == (width + 1) / 2);
    CHECK(chroma->height == (height + 1) / 2);
    CHECK(chroma->pixels.size() == static_cast<size_t>((width + 1) / 2) * static_cast<size_t>((height + 1) / 2));
  }
}

/// First and last rows of column `x` whose luma is nearer green's than red's.
std::pair<int, int> green_rows(const yuv_image& image, int x) {
  int first = -1;
  int last = -1;
  for (int y = 0; y < image.height(); ++y)
    if (at(image.y, x, y) > (63 + 173) / 2) {
      if (first < 0)
        first = y;
      last = y;
    }
  return {first, last};
}

} // namespace

TEST_CASE("the working size is the output size times the zoom, even", "[working_image]") {
  auto size = working_size_for(1920, 1080, 1.1);
  CHECK(size.width == 2112);
  CHECK(size.height == 1188);
  auto still = working_size_for(640, 360, 1.0);
  CHECK(still.width == 640);
  CHECK(still.height == 360);
  // 123.4 x 74.04 round to the nearest even numbers.
  auto odd = working_size_for(100, 60, 1.234);
  CHECK(odd.width == 124);
  CHECK(odd.height == 74);
}

TEST_CASE("a wide source is cropped to the centre, scaled and converted to BT.709", "[working_image]") {
  // 1536x1024 into a square: the centre 1024 columns survive, i.e. mostly green
  // with red only at the very edges (the outer thirds are 512 wide, 256 of each cut away).
  auto working = make_working_image(thirds(1536, 1024, false), {512, 512});
  REQUIRE(working);
  check_plane_sizes(*working, 512, 512);
  check_green(*working, 256, 256);
  check_red(*working, 4, 256);
  check_red(*working, 507, 256);
  // Green starts a quarter of the way in: (512 - 256) / 1024 of the crop.
  check_green(*working, 140, 256);
}

TEST_CASE("a tall source into a wide frame keeps its middle band", "[working_image]") {
  // 1024x1536 into 16:9: only the 1024x576 band of rows 480..1055 survives;
  // the green middle third (rows 512..1023) fills it but for 32 red rows at
  // each end, which become 20 rows of the 360.
  auto working = make_working_image(thirds(1024, 1536, true), {640, 360});
  REQUIRE(working);
  check_plane_sizes(*working, 640, 360);
  for (int y : {30, 180, 330})
    check_green(*working, 320, y);
  check_red(*working, 320, 6);
  check_red(*working, 320, 353);
}

TEST_CASE("a tiny source is enlarged without error", "[working_image]") {
  rgb_image tiny{17, 9, pixel_buffer(17 * 9 * 3, 200)};
  auto working = make_working_image(tiny, {1280, 720});
  REQUIRE(working);
  check_plane_sizes(*working, 1280, 720);
  // Uniform grey 200 stays uniform: limited-range luma 16 + 200 × 219 / 255 ≈ 188.
  CHECK(int(at(working->y, 640, 360)) == Approx(188).margin(2));
  CHECK(int(at(working->u, 320, 180)) == Approx(128).margin(1));
}

TEST_CASE("a wide source into a zoomed 16:9 frame keeps its vertical centre", "[working_image]") {
  // 1536x1024 into 640x360 × 1.1 = 704x396: rows 80..943 survive (864 = 1536 × 9 / 16),
  // so the green rows 341..681 become rows 119.6..275.9, centred on row 198.
  auto size = working_size_for(640, 360, 1.1);
  auto working = make_working_image(thirds(1536, 1024, true), size);
  REQUIRE(working);
  check_plane_sizes(*working, 704, 396);
  check_green(*working, 352, 198);
  check_red(*working, 352, 40);
  check_red(*working, 352, 356);
  auto [first, last] = green_rows(*working, 352);
  CHECK(first == Approx(120).margin(2));
  CHECK(last == Approx(275).margin(2));
  CHECK(first + last == Approx(395).margin(2));
}

TEST_CASE("an odd or empty working size is refused", "[working_image]") {
  rgb_image source{8, 8, pixel_buffer(8 * 8 * 3, 100)};
  auto odd = make_working_image(source, {101, 60});
  REQUIRE_FALSE(odd);
  CHECK(odd.error().code == errc::invalid_argument);
  CHECK(odd.error().message == "working size 101x60 must be even and positive");
  auto empty = make_working_image(rgb_image{}, {64, 64});
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == errc::invalid_argument);
  CHECK(empty.error().message == "empty source image");
}

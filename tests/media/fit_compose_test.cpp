// Fit modes on working images, checked pixel by pixel: bars are exactly the
// background colour, the blurred fill is smooth but neither flat nor black,
// the whole picture lands inside the frame, and transparency shows what lies
// under it.

#include "media/fit_compose.hpp"
#include "tests/support/picture_checks.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>

using namespace vs;
using namespace vs::media;

namespace {

constexpr rgb_color red{255, 0, 0};
constexpr rgb_color green{0, 255, 0};
constexpr rgb_color blue{0, 0, 255};

/// A picture with a 4-pixel red frame around a green inside whose
/// brightness varies along both axes (so a blur of it is not flat).
rgb_image framed(int width, int height) {
  rgb_image image;
  image.width = width;
  image.height = height;
  image.pixels.resize(static_cast<size_t>(width) * height * 3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      uint8_t* p = &image.pixels[(static_cast<size_t>(y) * width + x) * 3];
      bool border = x < 4 || y < 4 || x >= width - 4 || y >= height - 4;
      p[0] = border ? 255 : static_cast<uint8_t>(x * 200 / width);
      p[1] = border ? 0 : 255;
      p[2] = border ? 0 : static_cast<uint8_t>(y * 200 / height);
    }
  return image;
}

uint8_t luma(const yuv_image& image, int x, int y) { return image.y.row(y)[x]; }
uint8_t cb(const yuv_image& image, int x, int y) { return image.u.row(y / 2)[x / 2]; }
uint8_t cr(const yuv_image& image, int x, int y) { return image.v.row(y / 2)[x / 2]; }

bool inside(const crop_rect& r, int x, int y) { return x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height; }

/// Every pixel outside `place` is exactly `color`.
void check_bars(const yuv_image& image, const crop_rect& place, rgb_color color) {
  const yuv_color expected = to_yuv(color);
  int outside = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) {
      if (inside(place, x, y))
        continue;
      ++outside;
      REQUIRE(luma(image, x, y) == expected.y);
      REQUIRE(cb(image, x, y) == expected.u);
      REQUIRE(cr(image, x, y) == expected.v);
    }
  CHECK(outside > 0);
}

/// The picture's red frame runs along every edge of `place`: nothing cut.
void check_whole_picture(const yuv_image& image, const crop_rect& place) {
  test::check_framed_picture_whole([&](int x, int y) { return cr(image, x, y); }, to_yuv(red).v, place.x, place.y,
                                   place.width, place.height);
}

struct band_stats {
  double mean = 0;
  double spread = 0;        ///< standard deviation of luma
  int largest_step = 0;     ///< between horizontal neighbours
};

band_stats band_of(const yuv_image& image, const crop_rect& place) {
  band_stats stats;
  double sum = 0, squares = 0;
  int count = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) {
      if (inside(place, x, y))
        continue;
      double value = luma(image, x, y);
      sum += value;
      squares += value * value;
      ++count;
      if (x + 1 < image.width() && !inside(place, x + 1, y))
        stats.largest_step = std::max(stats.largest_step, std::abs(luma(image, x + 1, y) - luma(image, x, y)));
    }
  stats.mean = sum / count;
  stats.spread = std::sqrt(squares / count - stats.mean * stats.mean);
  return stats;
}

} // namespace

TEST_CASE("background colours convert to BT.709 limited range", "[fit]") {
  CHECK(to_yuv(rgb_color{0, 0, 0}).y == 16);
  CHECK(to_yuv(rgb_color{255, 255, 255}).y == 235);
  CHECK(to_yuv(rgb_color{255, 255, 255}).u == 128);
  auto r = to_yuv(red);
  CHECK(int(r.y) == 63);
  CHECK(int(r.u) == 102);
  CHECK(int(r.v) == 240);
}

TEST_CASE("contain shows a tall picture whole between bars of the background colour", "[fit]") {
  const working_size frame{320, 180};
  auto image = compose_slide(framed(120, 400), frame, {fit_mode::contain, blue});
  REQUIRE(image);
  const crop_rect place = contain_rect(120, 400, frame);
  CHECK(place.height == 180);
  CHECK(place.width == 54);
  CHECK(place.x == 132);
  check_bars(*image, place, blue);
  check_whole_picture(*image, place);
  CHECK(image->picture.x == 132);
  CHECK(image->picture.width == 54);
}

TEST_CASE("contain shows a wide picture whole in a portrait frame", "[fit]") {
  const working_size frame{180, 320};
  auto image = compose_slide(framed(400, 120), frame, {fit_mode::contain, rgb_color{255, 128, 0}});
  REQUIRE(image);
  const crop_rect place = contain_rect(400, 120, frame);
  CHECK(place.width == 180);
  CHECK(place.y > 100);
  check_bars(*image, place, rgb_color{255, 128, 0});
  check_whole_picture(*image, place);
}

TEST_CASE("blur puts the whole picture over a smooth, darkened fill of itself", "[fit]") {
  for (auto [source_width, source_height, frame] :
       {std::tuple{120, 400, working_size{320, 180}}, std::tuple{400, 120, working_size{180, 320}}}) {
    auto image = compose_slide(framed(source_width, source_height), frame, {fit_mode::blur, {}});
    REQUIRE(image);
    const crop_rect place = contain_rect(source_width, source_height, frame);
    check_whole_picture(*image, place);
    band_stats band = band_of(*image, place);
    INFO("band mean " << band.mean << " spread " << band.spread << " step " << band.largest_step);
    CHECK(band.mean > 40);          // not black
    CHECK(band.spread > 4);         // not flat
    CHECK(band.largest_step <= 6);  // blurred: no edges left
    // Darker than the picture it is made of.
    CHECK(band.mean < luma(*image, place.x + place.width / 2, place.y + place.height / 2));
  }
}

TEST_CASE("cover still crops to fill the frame", "[fit]") {
  auto image = compose_slide(framed(120, 400), working_size{320, 180}, {fit_mode::cover, blue});
  REQUIRE(image);
  // No bars: the middle of the picture fills every column.
  for (int x = 0; x < 320; x += 7)
    CHECK(std::abs(luma(*image, x, 90) - to_yuv(blue).y) > 20);
  // The picture reaches past the top and bottom by what was cropped.
  CHECK(image->picture.y < -100);
  CHECK(image->picture.width == Approx(320));
}

TEST_CASE("transparent pixels show the background colour or the blurred fill", "[fit]") {
  // Left half fully transparent, right half opaque green. (A fresh one per
  // composition: compose_slide takes its picture, as the decoder hands it over.)
  auto picture = [] {
    rgb_image image = framed(200, 200);
    image.alpha.assign(200 * 200, 255);
    for (int y = 0; y < 200; ++y)
      for (int x = 0; x < 100; ++x) {
        image.alpha[static_cast<size_t>(y) * 200 + x] = 0;
        uint8_t* p = &image.pixels[(static_cast<size_t>(y) * 200 + x) * 3];
        p[0] = p[1] = p[2] = 0;  // premultiplied: nothing left of it
      }
    return image;
  };
  const working_size frame{320, 180};
  const yuv_color white = to_yuv(rgb_color{255, 255, 255});

  auto covered = compose_slide(picture(), frame, {fit_mode::cover, rgb_color{255, 255, 255}});
  REQUIRE(covered);
  CHECK(luma(*covered, 20, 90) == white.y);
  CHECK(cb(*covered, 300, 90) < 100);  // the green picture

  auto contained = compose_slide(picture(), frame, {fit_mode::contain, blue});
  REQUIRE(contained);
  const crop_rect place = contain_rect(200, 200, frame);
  for (int y = 10; y < 170; y += 10) {
    CHECK(luma(*contained, place.x + 20, y) == to_yuv(blue).y);
    CHECK(cb(*contained, place.x + 20, y) == to_yuv(blue).u);
  }

  auto blurred = compose_slide(picture(), frame, {fit_mode::blur, {}});
  REQUIRE(blurred);
  // Through the transparent half the fill continues smoothly across the
  // picture's left edge: no black hole, no seam.
  for (int y = 20; y < 160; y += 10)
    CHECK(std::abs(luma(*blurred, place.x + 1, y) - luma(*blurred, place.x - 2, y)) <= 4);
}

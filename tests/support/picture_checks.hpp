#pragma once
/// Comparing a poster JPEG with a decoded video frame: both as BT.709
/// limited-range luma, the plane the eye judges sharpness and likeness by.

#include "tests/support/mp4_probe.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace vs::test {

struct luma_picture {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> y;
};

/// Decodes a JPEG file (stb_image) into BT.709 limited-range luma. Throws
/// if it cannot be read.
luma_picture jpeg_luma(const std::string& path);

/// Peak signal-to-noise ratio of the luma planes, in dB (infinity when equal).
double luma_psnr(const luma_picture& picture, const decoded_frame& frame);

/// Checks that the picture of write_framed_png (a red frame around a green
/// inside) lies whole in the rectangle at `left`, `top` of `width` × `height`:
/// its red frame runs along every edge and the middle is not red, so nothing
/// was cut. `cr(x, y)` reads the Cr sample under luma pixel (x, y); `red_cr`
/// is red's Cr in the same range.
template <class ReadCr>
void check_framed_picture_whole(ReadCr cr, int red_cr, int left, int top, int width, int height) {
  auto reddish = [&](int x, int y) { return std::abs(cr(x, y) - red_cr) <= 40; };
  for (int x = left + 2; x < left + width - 2; x += 3) {
    CHECK(reddish(x, top));
    CHECK(reddish(x, top + height - 1));
  }
  for (int y = top + 2; y < top + height - 2; y += 3) {
    CHECK(reddish(left, y));
    CHECK(reddish(left + width - 1, y));
  }
  CHECK_FALSE(reddish(left + width / 2, top + height / 2));
}

} // namespace vs::test

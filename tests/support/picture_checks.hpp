#pragma once
/// Comparing a poster JPEG with a decoded video frame: both as BT.709
/// limited-range luma, the plane the eye judges sharpness and likeness by.

#include "tests/support/mp4_probe.hpp"

#include <cstdint>
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

} // namespace vs::test

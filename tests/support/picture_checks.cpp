#include "tests/support/picture_checks.hpp"

#include <stb/stb_image.h>

#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

namespace vs::test {

luma_picture jpeg_luma(const std::string& path) {
  int width = 0, height = 0, channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(stbi_load(path.c_str(), &width, &height, &channels, 3),
                                                    stbi_image_free);
  if (!pixels)
    throw std::runtime_error("cannot decode " + path);
  luma_picture picture{width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height)};
  for (size_t i = 0; i < picture.y.size(); ++i) {
    const stbi_uc* p = pixels.get() + i * 3;
    const double luma = 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
    picture.y[i] = static_cast<uint8_t>(std::lround(16 + luma * 219 / 255));
  }
  return picture;
}

double luma_psnr(const luma_picture& picture, const decoded_frame& frame) {
  if (picture.width != frame.width || picture.height != frame.height)
    throw std::runtime_error("the pictures differ in size");
  double squares = 0;
  for (size_t i = 0; i < picture.y.size(); ++i) {
    const double difference = double(picture.y[i]) - frame.y[i];
    squares += difference * difference;
  }
  if (squares == 0)
    return std::numeric_limits<double>::infinity();
  return 10 * std::log10(255.0 * 255.0 / (squares / picture.y.size()));
}

} // namespace vs::test

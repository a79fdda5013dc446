#include "media/yuv.hpp"

namespace vs::media {

yuv_image make_yuv_image(int width, int height) {
  yuv_image image;
  auto init = [](yuv_plane& plane, int w, int h) {
    plane.width = w;
    plane.height = h;
    plane.pixels.assign(static_cast<size_t>(w) * static_cast<size_t>(h), 0);
  };
  init(image.y, width, height);
  init(image.u, width / 2, height / 2);
  init(image.v, width / 2, height / 2);
  return image;
}

} // namespace vs::media

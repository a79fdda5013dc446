#include "media/working_image.hpp"

#include "media/av_util.hpp"

#include <algorithm>
#include <cmath>

namespace vs::media {

namespace {

int round_to_even(double value) { return std::max(2, 2 * static_cast<int>(std::lround(value / 2))); }

} // namespace

crop_rect cover_crop(int source_width, int source_height, working_size target) {
  const double target_aspect = static_cast<double>(target.width) / target.height;
  const double source_aspect = static_cast<double>(source_width) / source_height;
  crop_rect crop{0, 0, source_width, source_height};
  if (source_aspect > target_aspect)
    crop.width = std::clamp(static_cast<int>(std::lround(source_height * target_aspect)), 1, source_width);
  else
    crop.height = std::clamp(static_cast<int>(std::lround(source_width / target_aspect)), 1, source_height);
  crop.x = (source_width - crop.width) / 2;
  crop.y = (source_height - crop.height) / 2;
  return crop;
}

working_size working_size_for(int width, int height, double zoom) {
  return {std::max(width, round_to_even(width * zoom)), std::max(height, round_to_even(height * zoom))};
}

expected<yuv_image> scale_to_yuv(const rgb_image& source, const crop_rect& crop, working_size size) {
  if (size.width < 2 || size.height < 2 || size.width % 2 != 0 || size.height % 2 != 0)
    return make_error(errc::invalid_argument, "working size " + std::to_string(size.width) + "x" +
                                                  std::to_string(size.height) + " must be even and positive");
  if (source.width <= 0 || source.height <= 0 ||
      source.pixels.size() < static_cast<size_t>(source.width) * static_cast<size_t>(source.height) * 3)
    return make_error(errc::invalid_argument, "empty source image");
  if (crop.x < 0 || crop.y < 0 || crop.width < 1 || crop.height < 1 || crop.x + crop.width > source.width ||
      crop.y + crop.height > source.height)
    return make_error(errc::invalid_argument, "crop window outside the source image");

  const bool shrinking = crop.width >= size.width && crop.height >= size.height;
  // Area averaging keeps detail without aliasing when shrinking; bicubic is
  // the smooth choice when enlarging small sources.
  const int flags = (shrinking ? SWS_AREA : SWS_BICUBIC) | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT;
  av::sws_ptr scaler(sws_getContext(crop.width, crop.height, AV_PIX_FMT_RGB24, size.width, size.height,
                                    AV_PIX_FMT_YUV420P, flags, nullptr, nullptr, nullptr));
  if (!scaler)
    return make_error(errc::internal, "cannot create a scaler for " + std::to_string(crop.width) + "x" +
                                          std::to_string(crop.height) + " -> " + std::to_string(size.width) +
                                          "x" + std::to_string(size.height));
  // Full-range RGB in, BT.709 limited-range YUV out: what the H.264 stream is tagged as.
  const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
  sws_setColorspaceDetails(scaler.get(), bt709, 1, bt709, 0, 0, 1 << 16, 1 << 16);

  yuv_image image = make_yuv_image(size.width, size.height);
  const int source_stride = source.width * 3;
  const uint8_t* source_planes[4] = {
      source.pixels.data() + static_cast<size_t>(crop.y) * static_cast<size_t>(source_stride) +
          static_cast<size_t>(crop.x) * 3,
      nullptr, nullptr, nullptr};
  const int source_strides[4] = {source_stride, 0, 0, 0};
  uint8_t* target_planes[4] = {image.y.pixels.data(), image.u.pixels.data(), image.v.pixels.data(), nullptr};
  const int target_strides[4] = {image.y.width, image.u.width, image.v.width, 0};
  int rows = sws_scale(scaler.get(), source_planes, source_strides, 0, crop.height, target_planes, target_strides);
  if (rows != size.height)
    return make_error(errc::internal, "scaling produced " + std::to_string(rows) + " rows instead of " +
                                          std::to_string(size.height));
  return image;
}

expected<yuv_image> make_working_image(const rgb_image& source, working_size size) {
  if (source.width <= 0 || source.height <= 0)
    return make_error(errc::invalid_argument, "empty source image");
  const crop_rect crop = cover_crop(source.width, source.height, size);
  auto image = scale_to_yuv(source, crop, size);
  if (!image)
    return image;
  // The whole picture reaches past the edges by what the crop cut off.
  const double scale = static_cast<double>(size.width) / crop.width;
  image->picture = {-crop.x * scale, -crop.y * static_cast<double>(size.height) / crop.height, source.width * scale,
                    source.height * static_cast<double>(size.height) / crop.height};
  return image;
}

} // namespace vs::media

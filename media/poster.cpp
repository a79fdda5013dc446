#include "media/poster.hpp"

#include "media/av_util.hpp"
#include "media/output_file.hpp"

#include <stb/stb_image_write.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>
#include <vector>

namespace vs::media {

namespace {

constexpr int jpeg_quality = 92;
constexpr double epsilon = 1e-9;

void append_bytes(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<size_t>(size));
}

} // namespace

std::string poster_path_for(const std::string& video_path) {
  return std::filesystem::path(video_path).replace_extension(".jpg").string();
}

expected<std::optional<int64_t>> poster_frame(const render_spec& spec, const timeline& timeline) {
  if (!spec.pictures.poster)
    return std::optional<int64_t>();
  const int64_t last = timeline.frame_count() - 1;
  if (spec.pictures.poster_time) {
    const double time = *spec.pictures.poster_time;
    const double length = static_cast<double>(timeline.frame_count()) / timeline.fps();
    if (time > length + epsilon)
      return make_error(errc::invalid_argument,
                        "poster at " + brief_number(time) + " s is past the end of the video (" +
                            brief_number(length) + " s)",
                        "poster");
    return std::optional<int64_t>(std::clamp<int64_t>(std::llround(time * timeline.fps()), 0, last));
  }
  // The middle of the first slide's time alone: no transition in the picture.
  const double alone = timeline.slide_count() > 1 ? timeline.slide_start(1) : timeline.slide_end(0);
  return std::optional<int64_t>(std::clamp<int64_t>(std::llround(alone / 2 * timeline.fps()), 0, last));
}

expected<std::string> encode_poster(const picture_view& picture) {
  const plane_view& luma = picture.planes[0];
  const int width = luma.width;
  const int height = luma.height;
  // Bicubic chroma upsampling, BT.709 limited range in, full-range RGB out:
  // the inverse of the working images' conversion.
  av::sws_ptr scaler(sws_getContext(width, height, AV_PIX_FMT_YUV420P, width, height, AV_PIX_FMT_RGB24,
                                    SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr, nullptr, nullptr));
  if (!scaler)
    return make_error(errc::internal, "cannot create a scaler for the poster");
  const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
  sws_setColorspaceDetails(scaler.get(), bt709, 0, bt709, 1, 0, 1 << 16, 1 << 16);
  std::vector<uint8_t> rgb(static_cast<size_t>(width) * static_cast<size_t>(height) * 3);
  const uint8_t* source_planes[4] = {picture.planes[0].data, picture.planes[1].data, picture.planes[2].data, nullptr};
  const int source_strides[4] = {picture.planes[0].stride, picture.planes[1].stride, picture.planes[2].stride, 0};
  uint8_t* target_planes[4] = {rgb.data(), nullptr, nullptr, nullptr};
  const int target_strides[4] = {width * 3, 0, 0, 0};
  if (sws_scale(scaler.get(), source_planes, source_strides, 0, height, target_planes, target_strides) != height)
    return make_error(errc::internal, "converting the poster to RGB failed");
  std::string jpeg;
  if (stbi_write_jpg_to_func(append_bytes, &jpeg, width, height, 3, rgb.data(), jpeg_quality) == 0)
    return make_error(errc::internal, "encoding the poster as JPEG failed");
  return jpeg;
}

status write_file_atomically(const std::string& path, const std::string& bytes) {
  auto output = output_file::beside(path);
  if (!output)
    return output.error();
  int fd = ::open(output->temporary_path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0)
    return make_error(errc::io_error, "cannot write " + path + ": " + std::strerror(errno));
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t count = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (count < 0 && errno == EINTR)
      continue;
    if (count <= 0) {
      const int code = errno;
      ::close(fd);
      return make_error(errc::io_error, "cannot write " + path + ": " + std::strerror(code));
    }
    written += static_cast<size_t>(count);
  }
  if (::close(fd) != 0)
    return make_error(errc::io_error, "cannot write " + path + ": " + std::strerror(errno));
  return output->commit();
}

int64_t poster_bytes(int width, int height) {
  // The RGB picture, and the JPEG: at most as large as the RGB at quality
  // 92, in a string that may have doubled its capacity on the last append.
  return 3 * static_cast<int64_t>(width) * height * 3 + (64 << 10);
}

} // namespace vs::media

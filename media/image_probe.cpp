#include "media/image_probe.hpp"

#include "media/stb_input_check.hpp"

#include <stb/stb_image.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace vs::media {

namespace fs = std::filesystem;

status check_image_size(const std::string& name, int width, int height, const image_decode_limits& limits) {
  int64_t pixels = int64_t{width} * height;
  if (pixels > limits.max_pixels)
    return make_error(errc::input_too_large, "image " + name + " is " + std::to_string(width) + "x" +
                                                 std::to_string(height) + ", over the limit of " +
                                                 std::to_string(limits.max_pixels) + " pixels");
  return {};
}

expected<image_header> probe_image_file(const std::string& path, const image_decode_limits& limits) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status))
    return make_error(errc::input_missing, "image " + path + " does not exist");
  if (!fs::is_regular_file(status))
    return make_error(errc::input_invalid, "image " + path + " is not a regular file");
  auto size = fs::file_size(path, ec);
  if (ec)
    return make_error(errc::input_invalid, "cannot read image " + path + ": " + ec.message());
  if (size == 0)
    return make_error(errc::input_invalid, "image " + path + " is empty");
  if (static_cast<int64_t>(size) > limits.max_file_bytes)
    return make_error(errc::input_too_large, "image " + path + " is " + std::to_string(size) +
                                                 " bytes, over the limit of " +
                                                 std::to_string(limits.max_file_bytes));
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file)
    return make_error(errc::input_invalid, "cannot open image " + path);
  if (auto parseable = check_stb_input_header(file.get(), path); !parseable)
    return parseable.error();
  image_header header;
  int channels = 0;
  if (!stbi_info_from_file(file.get(), &header.width, &header.height, &channels) || header.width <= 0 ||
      header.height <= 0)
    return make_error(errc::input_invalid, "image " + path + " is not a readable JPEG, PNG, BMP or GIF");
  if (auto size_ok = check_image_size(path, header.width, header.height, limits); !size_ok)
    return size_ok.error();
  return header;
}

} // namespace vs::media

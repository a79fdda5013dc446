#include "media/image_decode.hpp"

#include "media/image_probe.hpp"
#include "media/stb_input_check.hpp"

#include "media/confined_file.hpp"

#include <stb/stb_image.h>

#include <limits>
#include <memory>

namespace vs::media {

namespace {

struct stbi_deleter {
  void operator()(stbi_uc* pixels) const { stbi_image_free(pixels); }
};

/// Converts stb's native layout (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) to RGB,
/// compositing any alpha onto black (premultiplying, rounded).
void to_rgb(const stbi_uc* source, int channels, size_t pixel_count, uint8_t* target) {
  auto over_black = [](int value, int alpha) { return static_cast<uint8_t>((value * alpha + 127) / 255); };
  for (size_t i = 0; i < pixel_count; ++i) {
    const stbi_uc* p = source + i * static_cast<size_t>(channels);
    uint8_t* out = target + i * 3;
    switch (channels) {
      case 1: out[0] = out[1] = out[2] = p[0]; break;
      case 2: out[0] = out[1] = out[2] = over_black(p[0], p[1]); break;
      case 3: out[0] = p[0]; out[1] = p[1]; out[2] = p[2]; break;
      default:
        out[0] = over_black(p[0], p[3]);
        out[1] = over_black(p[1], p[3]);
        out[2] = over_black(p[2], p[3]);
        break;
    }
  }
}

} // namespace

expected<rgb_image> decode_image_memory(const uint8_t* data, size_t size, const std::string& name,
                                        const image_decode_limits& limits) {
  if (size == 0)
    return make_error(errc::input_invalid, "image " + name + " is empty");
  if (size > static_cast<size_t>(std::numeric_limits<int>::max()))
    return make_error(errc::input_too_large, "image " + name + " is too large to decode");
  const int length = static_cast<int>(size);
  // Header first: refuse a decompression bomb before allocating its pixels.
  auto header = probe_image(image_bytes::in_memory(data, size), name, limits);
  if (!header)
    return header.error();
  if (auto parseable = check_stb_input(data, size, name); !parseable)
    return parseable.error();
  const int width = header->width;
  const int height = header->height;
  const int64_t pixels = int64_t{width} * height;
  int decoded_width = 0;
  int decoded_height = 0;
  int channels = 0;
  std::unique_ptr<stbi_uc, stbi_deleter> decoded(
      stbi_load_from_memory(data, length, &decoded_width, &decoded_height, &channels, 0));
  if (!decoded)
    return make_error(errc::input_invalid,
                      "cannot decode image " + name + ": " + (stbi_failure_reason() ? stbi_failure_reason() : "unknown error"));
  // The buffer below is sized from the checked header: a picture that
  // decodes to another size would be read past its end.
  if (decoded_width != width || decoded_height != height)
    return make_error(errc::input_invalid, "image " + name + " decodes to a size its header does not give");
  rgb_image image;
  image.width = width;
  image.height = height;
  image.pixels.resize(static_cast<size_t>(pixels) * 3);
  to_rgb(decoded.get(), channels, static_cast<size_t>(pixels), image.pixels.data());
  return image;
}

expected<rgb_image> decode_image_file(const std::string& path, const image_decode_limits& limits,
                                      const root_folders& roots) {
  auto file = confined_file::open(path, roots, "image", limits.max_file_bytes);
  if (!file)
    return file.error();
  const auto size = static_cast<uint64_t>(file->size());
  const image_bytes on_disk = image_bytes::in_file(file->descriptor(), size);
  // The header alone first: an oversized picture is refused before its file is read.
  if (auto header = probe_image(on_disk, path, limits); !header)
    return header.error();
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (on_disk.read_at(0, bytes.data(), bytes.size()) != bytes.size())
    return make_error(errc::input_invalid, "cannot read image " + path + ": it became shorter while it was read");
  return decode_image_memory(bytes.data(), bytes.size(), path, limits);
}

} // namespace vs::media

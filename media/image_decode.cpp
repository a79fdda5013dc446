#include "media/image_decode.hpp"

#include "media/confined_file.hpp"
#include "media/decode_cost.hpp"
#include "media/image_probe.hpp"
#include "media/image_reader.hpp"
#include "media/stb_input_check.hpp"

#include <stb/stb_image.h>

namespace vs::media {

namespace {

uint8_t over_black(int value, int alpha) { return static_cast<uint8_t>((value * alpha + 127) / 255); }

/// Turns stb's native layout (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) into RGB
/// in its own block, compositing any alpha onto black (premultiplying,
/// rounded) and copying the alpha itself to `coverage` (media/fit_compose
/// composes it over the slide's background). Narrowing runs front to back
/// and widening back to front, so a pixel is read before anything is written
/// over it.
bool to_rgb_in_place(pixel_buffer& pixels, int channels, size_t pixel_count, std::vector<uint8_t>& coverage) {
  const size_t rgb_bytes = pixel_count * 3;
  if (channels == 2 || channels == 4)
    coverage.resize(pixel_count);
  if (channels == 4) {
    uint8_t* p = pixels.data();
    for (size_t i = 0; i < pixel_count; ++i) {
      const uint8_t* in = p + i * 4;
      const int alpha = in[3];
      coverage[i] = in[3];
      const uint8_t r = over_black(in[0], alpha), g = over_black(in[1], alpha), b = over_black(in[2], alpha);
      p[i * 3] = r;
      p[i * 3 + 1] = g;
      p[i * 3 + 2] = b;
    }
    return pixels.resize(rgb_bytes);  // shrinking keeps the block
  }
  if (channels == 1 || channels == 2) {
    if (!pixels.resize(rgb_bytes))
      return false;
    uint8_t* p = pixels.data();
    for (size_t i = pixel_count; i-- > 0;) {
      if (channels == 2)
        coverage[i] = p[i * 2 + 1];
      const uint8_t grey = channels == 1 ? p[i] : over_black(p[i * 2], p[i * 2 + 1]);
      p[i * 3] = p[i * 3 + 1] = p[i * 3 + 2] = grey;
    }
  }
  return true;
}

/// Decodes `bytes` after every check: the header (size, decode memory),
/// then the whole input for what stb 2.27 mishandles. stb reads the bytes
/// through image_reader: a file is streamed, not copied into memory.
expected<rgb_image> decode(const image_bytes& bytes, const std::string& name, const image_decode_limits& limits) {
  auto header = probe_image(bytes, name, limits);
  if (!header)
    return header.error();
  if (auto parseable = check_stb_input(bytes, name); !parseable)
    return parseable.error();
  image_reader reader(bytes);
  const stbi_io_callbacks callbacks{&image_reader::stb_read, &image_reader::stb_skip, &image_reader::stb_eof};
  int width = 0;
  int height = 0;
  int channels = 0;
  stbi_uc* decoded = stbi_load_from_callbacks(&callbacks, &reader, &width, &height, &channels, 0);
  if (decoded == nullptr)
    return make_error(errc::input_invalid,
                      "cannot decode image " + name + ": " + (stbi_failure_reason() ? stbi_failure_reason() : "unknown error"));
  // Sizes below come from the checked header: a picture that decodes to
  // another size would be read past its end.
  pixel_buffer pixels =
      pixel_buffer::adopt(decoded, static_cast<size_t>(width) * static_cast<size_t>(height) * static_cast<size_t>(channels));
  const auto pixel_count = static_cast<size_t>(int64_t{header->width} * header->height);
  if (width != header->width || height != header->height)
    return make_error(errc::input_invalid, "image " + name + " decodes to a size its header does not give");
  if (channels < 1 || channels > 4)
    return make_error(errc::input_invalid, "image " + name + " decodes to " + std::to_string(channels) + " channels");
  rgb_image image;
  if (!to_rgb_in_place(pixels, channels, pixel_count, image.alpha))
    return make_error(errc::input_too_large, "not enough memory to convert image " + name + " to RGB");
  image.width = width;
  image.height = height;
  image.pixels = std::move(pixels);
  return image;
}

} // namespace

int64_t image_decode_limits::decode_bytes() const {
  return max_decode_bytes > 0 ? max_decode_bytes : default_max_decode_bytes(max_pixels);
}

image_decode_limits image_limits_of(const render_limits& limits) {
  return {limits.max_image_pixels, limits.max_image_file_bytes, limits.max_image_decode_bytes};
}

expected<rgb_image> decode_image_memory(const uint8_t* data, size_t size, const std::string& name,
                                        const image_decode_limits& limits) {
  return decode(image_bytes::in_memory(data, size), name, limits);
}

expected<rgb_image> decode_image_file(const std::string& path, const image_decode_limits& limits,
                                      const root_folders& roots) {
  auto file = confined_file::open(path, roots, "image", limits.max_file_bytes);
  if (!file)
    return file.error();
  return decode(image_bytes::in_file(file->descriptor(), static_cast<uint64_t>(file->size())), path, limits);
}

} // namespace vs::media

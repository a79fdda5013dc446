#include "media/image_probe.hpp"

#include "media/confined_file.hpp"
#include "media/stb_input_check.hpp"

#include <stb/stb_image.h>

#include <algorithm>
#include <cstring>

namespace vs::media {

namespace {

/// stb_image's reader callbacks over image_bytes: only what stb asks for is read.
struct stb_cursor {
  const image_bytes* bytes;
  uint64_t position = 0;

  static int read(void* user, char* data, int size) {
    auto* self = static_cast<stb_cursor*>(user);
    size_t got = self->bytes->read_at(self->position, reinterpret_cast<uint8_t*>(data),
                                      static_cast<size_t>(std::max(size, 0)));
    self->position += got;
    return static_cast<int>(got);
  }
  static void skip(void* user, int count) {
    auto* self = static_cast<stb_cursor*>(user);
    if (count < 0 && static_cast<uint64_t>(-static_cast<int64_t>(count)) > self->position)
      self->position = 0;
    else
      self->position = static_cast<uint64_t>(static_cast<int64_t>(self->position) + count);
  }
  static int eof(void* user) {
    auto* self = static_cast<stb_cursor*>(user);
    return self->position >= self->bytes->size() ? 1 : 0;
  }
};

std::string dimensions(int64_t width, int64_t height) { return std::to_string(width) + "x" + std::to_string(height); }

} // namespace

status check_image_size(const std::string& name, int64_t width, int64_t height, const image_decode_limits& limits) {
  // Headers declare up to 2^32-1 per side, whose product overflows int64_t
  // (found by fuzz/image_fuzz): compare by division instead.
  if (width < 0 || height < 0 || (height > 0 && width > limits.max_pixels / height))
    return make_error(errc::input_too_large, "image " + name + " is " + dimensions(width, height) +
                                                 ", over the limit of " + std::to_string(limits.max_pixels) +
                                                 " pixels");
  return {};
}

expected<image_header> probe_image(const image_bytes& bytes, const std::string& name,
                                   const image_decode_limits& limits) {
  if (bytes.size() == 0)
    return make_error(errc::input_invalid, "image " + name + " is empty");
  // Before stb_image sees it: stb refuses some large sizes without reporting them.
  auto declared = read_declared_size(bytes);
  if (declared)
    if (auto size_ok = check_image_size(name, declared->width, declared->height, limits); !size_ok)
      return size_ok.error();
  // Then what stb 2.27 would mishandle (the size first: "over the limit"
  // is the more useful answer for a header that is both).
  if (auto parseable = check_stb_input_header(bytes, name); !parseable)
    return parseable.error();
  stb_cursor cursor{&bytes};
  const stbi_io_callbacks callbacks{&stb_cursor::read, &stb_cursor::skip, &stb_cursor::eof};
  image_header header;
  int channels = 0;
  if (!stbi_info_from_callbacks(&callbacks, &cursor, &header.width, &header.height, &channels) ||
      header.width <= 0 || header.height <= 0) {
    const char* reason = stbi_failure_reason();
    if (declared && reason != nullptr && std::strcmp(reason, "too large") == 0)
      return make_error(errc::input_too_large, "image " + name + " is " +
                                                   dimensions(declared->width, declared->height) +
                                                   ", too large for the image decoder");
    return make_error(errc::input_invalid, "image " + name + " is not a readable JPEG, PNG, BMP or GIF");
  }
  if (auto size_ok = check_image_size(name, header.width, header.height, limits); !size_ok)
    return size_ok.error();
  return header;
}

expected<image_header> probe_image_file(const std::string& path, const image_decode_limits& limits,
                                        const root_folders& roots) {
  auto file = confined_file::open(path, roots, "image", limits.max_file_bytes);
  if (!file)
    return file.error();
  return probe_image(image_bytes::in_file(file->descriptor(), static_cast<uint64_t>(file->size())), path, limits);
}

} // namespace vs::media

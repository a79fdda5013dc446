#include "media/png_inflate_check.hpp"

#include "media/image_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace vs::media {

namespace {

constexpr size_t window_bytes = 64 << 10;

struct inflater {
  z_stream stream{};
  bool ready = false;
  // Raw deflate: the 2-byte zlib header is checked below as stb checks it
  // (zlib would also refuse window sizes stb ignores), and the Adler-32 at
  // the end is not checked, as stb does not check it.
  inflater() { ready = inflateInit2(&stream, -15) == Z_OK; }
  ~inflater() {
    if (ready)
      inflateEnd(&stream);
  }
};

/// stb_image's zlib header rules: deflate, a valid check value, no preset dictionary.
bool zlib_header_ok(const uint8_t header[2]) {
  return (header[0] & 15) == 8 && (header[0] * 256 + header[1]) % 31 == 0 && (header[1] & 32) == 0;
}

std::string dimensions(const png_layout& layout) {
  return std::to_string(layout.width) + "x" + std::to_string(layout.height);
}

} // namespace

status check_png_pixel_data(const image_bytes& bytes, const png_layout& layout, const std::string& name) {
  const uint64_t limit = png_pixel_data_limit(layout);
  inflater zlib;
  if (!zlib.ready)
    return make_error(errc::internal, "cannot start zlib to check image " + name);
  std::vector<uint8_t> input(window_bytes);
  std::vector<uint8_t> output(window_bytes);
  uint8_t header[2];
  size_t header_bytes = layout.headerless_zlib ? 2 : 0;
  uint64_t inflated = 0;

  image_reader in(bytes, 8);
  for (;;) {
    uint8_t chunk_head[8];
    if (in.read(chunk_head, 8) != 8)
      return {};  // no IEND: stb refuses it
    const uint32_t length = uint32_t{chunk_head[0]} << 24 | uint32_t{chunk_head[1]} << 16 |
                            uint32_t{chunk_head[2]} << 8 | chunk_head[3];
    if (std::memcmp(chunk_head + 4, "IEND", 4) == 0)
      return {};
    if (std::memcmp(chunk_head + 4, "IDAT", 4) != 0) {
      in.skip(uint64_t{length} + 4);
      continue;
    }
    for (uint32_t left = length; left > 0;) {
      size_t got = in.read(input.data(), std::min<size_t>(left, input.size()));
      if (got == 0)
        return {};  // truncated: stb refuses it
      left -= static_cast<uint32_t>(got);
      const uint8_t* data = input.data();
      for (; header_bytes < 2 && got > 0; --got) {
        header[header_bytes++] = *data++;
        if (header_bytes == 2 && !zlib_header_ok(header))
          return {};  // stb refuses it: "bad zlib header"
      }
      zlib.stream.next_in = const_cast<Bytef*>(data);
      zlib.stream.avail_in = static_cast<uInt>(got);
      // Until the input is used up and nothing is left in zlib to come out.
      do {
        zlib.stream.next_out = output.data();
        zlib.stream.avail_out = static_cast<uInt>(output.size());
        const int result = inflate(&zlib.stream, Z_NO_FLUSH);
        inflated += output.size() - zlib.stream.avail_out;
        if (inflated > limit)
          return make_error(errc::input_invalid, "image " + name + " is a corrupt PNG: its pixel data inflates to more than the " +
                                                     std::to_string(png_pixel_data_bytes(layout)) + " bytes its " +
                                                     dimensions(layout) + " pixels need");
        if (result == Z_STREAM_END)
          return {};  // stb stops at the last block too
        if (result == Z_DATA_ERROR || result == Z_NEED_DICT)
          return make_error(errc::input_invalid, "image " + name + " is a corrupt PNG: its pixel data is not valid deflate data (" +
                                                     (zlib.stream.msg != nullptr ? zlib.stream.msg : "zlib error") + ")");
        if (result == Z_BUF_ERROR)
          break;  // wants more input
        if (result != Z_OK)
          return make_error(errc::internal, "zlib failed while checking image " + name);
      } while (zlib.stream.avail_in > 0 || zlib.stream.avail_out == 0);
    }
  }
}

} // namespace vs::media

#include "media/image_layout.hpp"

#include "media/image_reader.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace vs::media {

namespace {

uint32_t big_endian(const uint8_t* p, int bytes) {
  uint32_t value = 0;
  for (int i = 0; i < bytes; ++i)
    value = (value << 8) | p[i];
  return value;
}

template <size_t N>
bool read_exactly(const image_bytes& bytes, uint64_t offset, std::array<uint8_t, N>& out) {
  return bytes.read_at(offset, out.data(), N) == N;
}

/// Adam7: the origin and spacing of each pass.
struct pass_grid {
  int x0, y0, dx, dy;
};
constexpr std::array<pass_grid, 7> adam7{{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                                          {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}};

struct pass_size {
  uint64_t width = 0;
  uint64_t height = 0;
};

/// The passes a PNG's pixel data holds, in order, empty ones left out (as
/// stb and libpng leave them out: they have no rows, so no filter bytes).
std::vector<pass_size> png_passes(const png_layout& layout) {
  const auto width = static_cast<uint64_t>(std::max<int64_t>(0, layout.width));
  const auto height = static_cast<uint64_t>(std::max<int64_t>(0, layout.height));
  if (!layout.interlaced)
    return {{width, height}};
  std::vector<pass_size> passes;
  for (const auto& grid : adam7) {
    pass_size pass;
    if (width > static_cast<uint64_t>(grid.x0))
      pass.width = (width - static_cast<uint64_t>(grid.x0) + static_cast<uint64_t>(grid.dx) - 1) / static_cast<uint64_t>(grid.dx);
    if (height > static_cast<uint64_t>(grid.y0))
      pass.height = (height - static_cast<uint64_t>(grid.y0) + static_cast<uint64_t>(grid.dy) - 1) / static_cast<uint64_t>(grid.dy);
    if (pass.width > 0 && pass.height > 0)
      passes.push_back(pass);
  }
  return passes;
}

/// Real PNGs have a handful of chunks before their pixel data.
constexpr int max_chunks_before_pixels = 1024;

/// Walks the marker segments up to the first start-of-frame. Real files have
/// a few dozen segments before it; the cap keeps a file of tiny segments
/// from costing a read each for its whole length.
std::optional<jpeg_layout> jpeg_frame(const image_bytes& bytes) {
  constexpr int max_segments = 4096;
  std::array<uint8_t, 2> start{};
  if (!read_exactly(bytes, 0, start) || start[0] != 0xff || start[1] != 0xd8)
    return std::nullopt;
  uint64_t position = 2;
  for (int segment = 0; segment < max_segments; ++segment) {
    // FF, code, length (2), precision, height (2), width (2), components, then 3 bytes each
    std::array<uint8_t, 10 + 3 * 4> marker{};
    size_t got = bytes.read_at(position, marker.data(), marker.size());
    if (got < 2 || marker[0] != 0xff)
      return std::nullopt;
    const uint8_t code = marker[1];
    if (code == 0xff) {  // fill byte before a marker
      position += 1;
      continue;
    }
    if (code == 0x01 || (code >= 0xd0 && code <= 0xd8)) {  // markers without a length
      position += 2;
      continue;
    }
    if (code == 0xd9 || code == 0xda || got < 4)  // end of image or start of scan: no frame header came
      return std::nullopt;
    const uint32_t length = big_endian(marker.data() + 2, 2);
    if (length < 2)
      return std::nullopt;
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (code >= 0xc0 && code <= 0xcf && code != 0xc4 && code != 0xc8 && code != 0xcc) {
      if (got < 9)
        return std::nullopt;
      jpeg_layout layout;
      layout.height = big_endian(marker.data() + 5, 2);
      layout.width = big_endian(marker.data() + 7, 2);
      layout.progressive = code == 0xc2 || code == 0xc6 || code == 0xca || code == 0xce;
      const size_t listed = got > 9 ? std::min<size_t>(marker[9], 4) : 0;
      for (size_t i = 0; i < listed && 10 + 3 * i + 2 <= got; ++i) {
        const uint8_t sampling = marker[10 + 3 * i + 1];
        layout.components.push_back({sampling >> 4, sampling & 15});
      }
      return layout;
    }
    position += 2 + length;
  }
  return std::nullopt;
}

std::optional<declared_size> pic_size(const image_bytes& bytes) {
  std::array<uint8_t, 96> head{};
  if (!read_exactly(bytes, 0, head) || big_endian(head.data(), 4) != 0x5380f634 ||
      std::memcmp(head.data() + 88, "PICT", 4) != 0)
    return std::nullopt;
  return declared_size{big_endian(head.data() + 92, 2), big_endian(head.data() + 94, 2)};
}

} // namespace

std::optional<png_layout> read_png_layout(const image_bytes& bytes) {
  static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  image_reader in(bytes);
  uint8_t head[8];
  if (in.read(head, 8) != 8 || std::memcmp(head, signature, 8) != 0)
    return std::nullopt;
  std::optional<png_layout> layout;
  for (int chunk = 0; chunk < max_chunks_before_pixels; ++chunk) {
    uint8_t chunk_head[8];
    if (in.read(chunk_head, 8) != 8)
      return layout;
    const uint32_t length = big_endian(chunk_head, 4);
    const uint8_t* type = chunk_head + 4;
    if (std::memcmp(type, "IDAT", 4) == 0 || std::memcmp(type, "IEND", 4) == 0)
      return layout;
    if (std::memcmp(type, "IHDR", 4) == 0) {
      uint8_t ihdr[13];
      if (layout || length != 13 || in.read(ihdr, 13) != 13)
        return layout;  // stb refuses a second or short IHDR itself
      png_layout read;
      read.width = big_endian(ihdr, 4);
      read.height = big_endian(ihdr + 4, 4);
      read.bit_depth = ihdr[8];
      read.colour_type = ihdr[9];
      read.interlaced = ihdr[12] != 0;
      read.headerless_zlib = chunk > 0;  // only CgBI may come before IHDR
      layout = read;
      in.skip(4);  // CRC
      continue;
    }
    if (!layout && std::memcmp(type, "CgBI", 4) != 0)
      return std::nullopt;  // stb: "first not IHDR"
    if (layout && std::memcmp(type, "tRNS", 4) == 0)
      layout->transparency = true;
    in.skip(uint64_t{length} + 4);
  }
  if (layout)
    layout->transparency = true;  // unknown: the dearer case
  return layout;
}

int png_channels(int colour_type) {
  switch (colour_type) {
    case 2: return 3;
    case 4: return 2;
    case 6: return 4;
    default: return 1;  // grey, palette (other types stb refuses)
  }
}

uint64_t png_pixel_data_bytes(const png_layout& layout) {
  const auto bits_per_pixel = static_cast<uint64_t>(png_channels(layout.colour_type) * layout.bit_depth);
  uint64_t total = 0;
  for (const auto& pass : png_passes(layout))
    total += pass.height * (1 + (pass.width * bits_per_pixel + 7) / 8);
  return total;
}

uint64_t png_pixel_data_limit(const png_layout& layout) {
  const uint64_t exact = png_pixel_data_bytes(layout);
  return exact + exact / 64 + 1024;
}

uint64_t png_largest_pass_pixels(const png_layout& layout) {
  uint64_t largest = 0;
  for (const auto& pass : png_passes(layout))
    largest = std::max(largest, pass.width * pass.height);
  return largest;
}

std::optional<jpeg_layout> read_jpeg_layout(const image_bytes& bytes) { return jpeg_frame(bytes); }

std::optional<declared_size> read_declared_size(const image_bytes& bytes) {
  if (auto png = read_png_layout(bytes))
    return declared_size{png->width, png->height};
  if (auto jpeg = jpeg_frame(bytes))
    return declared_size{jpeg->width, jpeg->height};
  return pic_size(bytes);
}

} // namespace vs::media

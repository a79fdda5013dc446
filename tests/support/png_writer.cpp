#include "tests/support/png_writer.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace vs::test {

namespace {

int channels_of(int colour_type) {
  switch (colour_type) {
    case 0: return 1;
    case 2: return 3;
    case 3: return 1;
    case 4: return 2;
    default: return 4;
  }
}

/// Adam7: the origin and spacing of each pass; one pass covering everything
/// for a non-interlaced picture.
struct pass_grid {
  int x0, y0, dx, dy;
};
constexpr std::array<pass_grid, 7> adam7{{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                                          {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}};

struct pass_size {
  uint64_t width;
  uint64_t height;
};

std::vector<pass_size> passes_of(const png_layout_spec& spec) {
  if (!spec.interlaced)
    return {{static_cast<uint64_t>(spec.width), static_cast<uint64_t>(spec.height)}};
  std::vector<pass_size> passes;
  for (const auto& grid : adam7) {
    int64_t w = (spec.width - grid.x0 + grid.dx - 1) / grid.dx;
    int64_t h = (spec.height - grid.y0 + grid.dy - 1) / grid.dy;
    if (w > 0 && h > 0)
      passes.push_back({static_cast<uint64_t>(w), static_cast<uint64_t>(h)});
  }
  return passes;
}

uint64_t row_bytes(const png_layout_spec& spec, uint64_t width) {
  return (width * static_cast<uint64_t>(channels_of(spec.colour_type) * spec.bit_depth) + 7) / 8;
}

std::string be32(uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
          static_cast<char>(value)};
}

std::string chunk(const std::string& type, const std::string& data) {
  uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(type.data()), 4));
  crc = static_cast<uint32_t>(crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
  return be32(static_cast<uint32_t>(data.size())) + type + data + be32(crc);
}

std::string header_chunks(const png_layout_spec& spec) {
  std::string ihdr = be32(static_cast<uint32_t>(spec.width)) + be32(static_cast<uint32_t>(spec.height));
  ihdr += {static_cast<char>(spec.bit_depth), static_cast<char>(spec.colour_type), 0, 0,
           static_cast<char>(spec.interlaced ? 1 : 0)};
  std::string bytes = "\x89PNG\r\n\x1a\n" + chunk("IHDR", ihdr);
  const int entries = spec.colour_type == 3 ? 1 << spec.bit_depth : 0;
  if (entries > 0) {
    std::string palette;
    for (int i = 0; i < entries; ++i)
      palette += std::string(3, static_cast<char>(i * 255 / (entries - 1)));
    bytes += chunk("PLTE", palette);
  }
  if (spec.transparency)
    bytes += chunk("tRNS", entries > 0 ? std::string(static_cast<size_t>(entries), '\x80')
                                       : std::string(spec.colour_type == 2 ? 6 : 2, '\0'));
  return bytes;
}

/// Deflates what `fill` writes, a block at a time, into one zlib stream.
class zlib_stream {
public:
  explicit zlib_stream(int level) {
    if (deflateInit(&z_, level) != Z_OK)
      throw std::runtime_error("deflateInit failed");
  }
  ~zlib_stream() { deflateEnd(&z_); }

  void add(const uint8_t* data, size_t size, int flush = Z_NO_FLUSH) {
    z_.next_in = const_cast<Bytef*>(data);
    z_.avail_in = static_cast<uInt>(size);
    std::array<uint8_t, 1 << 16> out;
    do {
      z_.next_out = out.data();
      z_.avail_out = static_cast<uInt>(out.size());
      if (deflate(&z_, flush) == Z_STREAM_ERROR)
        throw std::runtime_error("deflate failed");
      compressed_.append(reinterpret_cast<const char*>(out.data()), out.size() - z_.avail_out);
    } while (z_.avail_out == 0 || z_.avail_in > 0);
  }
  std::string finish() {
    add(nullptr, 0, Z_FINISH);
    return std::move(compressed_);
  }

private:
  z_stream z_{};
  std::string compressed_;
};

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out)
    throw std::runtime_error("cannot write " + path);
}

} // namespace

uint64_t png_pixel_data_bytes(const png_layout_spec& spec) {
  uint64_t total = 0;
  for (const auto& pass : passes_of(spec))
    total += pass.height * (1 + row_bytes(spec, pass.width));
  return total;
}

void write_layout_png(const std::string& path, const png_layout_spec& spec, uint64_t extra_bytes,
                      uint64_t padding_bytes) {
  zlib_stream pixels(1);
  std::vector<uint8_t> row;
  uint64_t row_index = 0;
  for (const auto& pass : passes_of(spec)) {
    row.assign(1 + row_bytes(spec, pass.width), 0);
    for (uint64_t y = 0; y < pass.height; ++y, ++row_index) {
      for (size_t i = 1; i < row.size(); ++i)
        row[i] = static_cast<uint8_t>((i >> 3) + row_index);  // filter byte 0: none
      pixels.add(row.data(), row.size());
    }
  }
  const std::vector<uint8_t> zeros(1 << 16, 0);
  for (uint64_t left = extra_bytes; left > 0;) {
    size_t part = static_cast<size_t>(std::min<uint64_t>(left, zeros.size()));
    pixels.add(zeros.data(), part);
    left -= part;
  }
  std::string bytes = header_chunks(spec);
  if (padding_bytes > 0)
    bytes += chunk("teXt", std::string(padding_bytes, 'x'));  // ancillary, private: skipped by decoders
  bytes += chunk("IDAT", pixels.finish()) + chunk("IEND", "");
  write_file(path, bytes);
}

void write_png_bomb(const std::string& path, int megabytes) {
  if (megabytes < 2)
    throw std::runtime_error("a bomb of at least 2 MiB");
  // After a full flush the deflater refers to nothing before it, so every
  // further MiB of zeros compresses to the same bytes: compress two, then
  // repeat the second as often as needed.
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15, 9, Z_RLE) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  const std::vector<uint8_t> mib(1 << 20, 0);
  std::vector<uint8_t> out(1 << 16);
  auto compress = [&](const uint8_t* data, size_t size, int flush) {
    z.next_in = const_cast<Bytef*>(data);
    z.avail_in = static_cast<uInt>(size);
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, flush);
    return std::string(reinterpret_cast<const char*>(out.data()), out.size() - z.avail_out);
  };
  const std::string first = compress(mib.data(), mib.size(), Z_FULL_FLUSH);  // with the zlib header
  const std::string next = compress(mib.data(), mib.size(), Z_FULL_FLUSH);
  std::string tail = compress(nullptr, 0, Z_FINISH);  // the last, empty block and the Adler-32
  deflateEnd(&z);
  std::string stream = first;
  for (int i = 1; i < megabytes; ++i)
    stream += next;
  // Adler-32 of n zeros: a stays 1, b adds 1 for each byte.
  const uint64_t total = uint64_t{static_cast<uint64_t>(megabytes)} << 20;
  stream += tail.substr(0, tail.size() - 4) + be32(static_cast<uint32_t>((total % 65521) << 16 | 1));
  write_file(path, header_chunks(png_layout_spec{}) + chunk("IDAT", stream) + chunk("IEND", ""));
}

} // namespace vs::test

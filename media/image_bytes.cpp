#include "media/image_bytes.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace vs::media {

image_bytes image_bytes::in_memory(const uint8_t* data, size_t size) { return image_bytes(data, -1, size); }

image_bytes image_bytes::in_file(int descriptor, uint64_t size) { return image_bytes(nullptr, descriptor, size); }

size_t image_bytes::read_at(uint64_t offset, uint8_t* out, size_t count) const {
  if (offset >= size_)
    return 0;
  count = static_cast<size_t>(std::min<uint64_t>(count, size_ - offset));
  if (data_ != nullptr) {
    std::memcpy(out, data_ + offset, count);
    return count;
  }
  size_t done = 0;
  while (done < count) {
    ssize_t got = ::pread(descriptor_, out + done, count - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    done += static_cast<size_t>(got);
  }
  return done;
}

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

std::optional<declared_size> png_size(const image_bytes& bytes) {
  static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::array<uint8_t, 24> head{};
  if (!read_exactly(bytes, 0, head) || std::memcmp(head.data(), signature, 8) != 0 ||
      std::memcmp(head.data() + 12, "IHDR", 4) != 0)
    return std::nullopt;
  return declared_size{big_endian(head.data() + 16, 4), big_endian(head.data() + 20, 4)};
}

/// Walks the marker segments up to the first start-of-frame. Real files have
/// a few dozen segments before it; the cap keeps a file of tiny segments
/// from costing a read each for its whole length.
std::optional<declared_size> jpeg_size(const image_bytes& bytes) {
  constexpr int max_segments = 4096;
  std::array<uint8_t, 2> start{};
  if (!read_exactly(bytes, 0, start) || start[0] != 0xff || start[1] != 0xd8)
    return std::nullopt;
  uint64_t position = 2;
  for (int segment = 0; segment < max_segments; ++segment) {
    std::array<uint8_t, 9> marker{};  // FF, code, length (2), precision, height (2), width (2)
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
      if (got < marker.size())
        return std::nullopt;
      return declared_size{big_endian(marker.data() + 7, 2), big_endian(marker.data() + 5, 2)};
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

std::optional<declared_size> read_declared_size(const image_bytes& bytes) {
  if (auto size = png_size(bytes))
    return size;
  if (auto size = jpeg_size(bytes))
    return size;
  return pic_size(bytes);
}

} // namespace vs::media

#pragma once
/// The bytes of an encoded image, read at any offset, wherever they are: an
/// opened file (read with pread, so only the header is ever read to probe
/// it) or a buffer in memory.

#include <cstddef>
#include <cstdint>
#include <optional>

namespace vs::media {

class image_bytes {
public:
  static image_bytes in_memory(const uint8_t* data, size_t size);
  /// `size` as fstat gave it; reads stop there even if the file grows.
  static image_bytes in_file(int descriptor, uint64_t size);

  uint64_t size() const { return size_; }
  /// Copies up to `count` bytes at `offset` into `out`; returns how many (0 at the end or on a read error).
  size_t read_at(uint64_t offset, uint8_t* out, size_t count) const;

private:
  image_bytes(const uint8_t* data, int descriptor, uint64_t size) : data_(data), descriptor_(descriptor), size_(size) {}

  const uint8_t* data_ = nullptr;
  int descriptor_ = -1;
  uint64_t size_ = 0;
};

/// The width and height an image header declares.
struct declared_size {
  int64_t width = 0;
  int64_t height = 0;
};

/// The size a PNG, JPEG or Softimage PIC header declares, read here because
/// stb_image refuses to report the size of a picture it finds too large to
/// decode (PNG over 2^30 bytes, JPEG over 2^31, PIC over 2^28 pixels): the
/// caller could then only say "unreadable" where "over the pixel limit" is
/// the truth. The other formats stb reads report any size. nullopt: not one
/// of these formats, or no size in the header.
std::optional<declared_size> read_declared_size(const image_bytes& bytes);

} // namespace vs::media

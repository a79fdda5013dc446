#pragma once
/// The bytes of an encoded image, read at any offset, wherever they are: an
/// opened file (read with pread, so only the header is ever read to probe
/// it) or a buffer in memory.

#include <cstddef>
#include <cstdint>

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

} // namespace vs::media

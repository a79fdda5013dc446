#pragma once
/// Reads an image's bytes front to back through a 64 KiB buffer: a file
/// costs one pread per buffer, not one per byte or chunk header, and never
/// more memory than the buffer, however large the file. Also stb_image's
/// reader callbacks, so stb decodes a file without a copy of it in memory.

#include "media/image_bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vs::media {

class image_reader {
public:
  explicit image_reader(const image_bytes& bytes, uint64_t start = 0);

  /// The next byte, or -1 at the end.
  int get();
  /// Copies up to `count` bytes into `out`; returns how many (fewer only at the end).
  size_t read(uint8_t* out, size_t count);
  /// Moves on `count` bytes (at most to the end).
  void skip(uint64_t count);
  /// Goes to `position` (at most the end).
  void seek(uint64_t position);
  uint64_t position() const { return position_; }
  /// At the end of the bytes, or a read came back short (a read error, or a
  /// file that shrank): stb must see the end then, or it would read zeros for ever.
  bool at_end() const { return exhausted_ || position_ >= bytes_->size(); }

  /// stbi_io_callbacks over an image_reader passed as `user`.
  static int stb_read(void* user, char* data, int size);
  static void stb_skip(void* user, int count);
  static int stb_eof(void* user);

private:
  const image_bytes* bytes_;
  uint64_t position_;
  std::vector<uint8_t> buffer_;
  uint64_t buffer_start_ = 0;  ///< file offset of buffer_[0]
  size_t buffered_ = 0;
  bool exhausted_ = false;
};

} // namespace vs::media

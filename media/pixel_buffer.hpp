#pragma once
/// Pixel bytes in one malloc'd block. stb_image returns its pictures in
/// malloc'd memory (Debian's libstb keeps STBI_MALLOC = malloc): adopting
/// that block and converting it in place, with realloc to the size needed,
/// spares a second copy of the picture at the decoder's peak.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

namespace vs::media {

class pixel_buffer {
public:
  pixel_buffer() = default;

  /// `size` bytes, each `value`; throws std::bad_alloc.
  explicit pixel_buffer(size_t size, uint8_t value = 0) : data_(static_cast<uint8_t*>(std::malloc(size > 0 ? size : 1))), size_(size) {
    if (!data_)
      throw std::bad_alloc();
    std::memset(data_.get(), value, size);
  }

  /// Takes ownership of `size` bytes from malloc (or realloc).
  static pixel_buffer adopt(uint8_t* data, size_t size) {
    pixel_buffer buffer;
    buffer.data_.reset(data);
    buffer.size_ = size;
    return buffer;
  }

  /// Grows or shrinks the block to `size` bytes, keeping its start; false
  /// (and unchanged) if there is no memory for it.
  bool resize(size_t size) {
    auto* moved = static_cast<uint8_t*>(std::realloc(data_.get(), size > 0 ? size : 1));
    if (moved == nullptr)
      return false;
    data_.release();
    data_.reset(moved);
    size_ = size;
    return true;
  }

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint8_t& operator[](size_t index) { return data_.get()[index]; }
  const uint8_t& operator[](size_t index) const { return data_.get()[index]; }

  friend bool operator==(const pixel_buffer& a, const pixel_buffer& b) {
    return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data(), b.data(), a.size_) == 0);
  }
  friend bool operator!=(const pixel_buffer& a, const pixel_buffer& b) { return !(a == b); }

private:
  struct free_block {
    void operator()(uint8_t* block) const { std::free(block); }
  };
  std::unique_ptr<uint8_t, free_block> data_;
  size_t size_ = 0;
};

} // namespace vs::media

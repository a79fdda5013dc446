#include "media/image_reader.hpp"

#include <algorithm>
#include <cstring>

namespace vs::media {

namespace {
constexpr size_t buffer_bytes = 64 << 10;
}

image_reader::image_reader(const image_bytes& bytes, uint64_t start)
    : bytes_(&bytes), position_(std::min(start, bytes.size())), buffer_(buffer_bytes) {}

int image_reader::get() {
  uint8_t byte = 0;
  return read(&byte, 1) == 1 ? byte : -1;
}

size_t image_reader::read(uint8_t* out, size_t count) {
  size_t done = 0;
  while (done < count && !at_end()) {
    if (position_ >= buffer_start_ && position_ < buffer_start_ + buffered_) {
      const size_t offset = static_cast<size_t>(position_ - buffer_start_);
      const size_t part = std::min(count - done, buffered_ - offset);
      std::memcpy(out + done, buffer_.data() + offset, part);
      done += part;
      position_ += part;
      continue;
    }
    if (count - done >= buffer_.size()) {  // large reads go straight to their target
      const size_t got = bytes_->read_at(position_, out + done, count - done);
      if (got == 0) {
        exhausted_ = true;
        break;
      }
      done += got;
      position_ += got;
      continue;
    }
    buffer_start_ = position_;
    buffered_ = bytes_->read_at(position_, buffer_.data(), buffer_.size());
    if (buffered_ == 0) {
      exhausted_ = true;
      break;
    }
  }
  return done;
}

void image_reader::skip(uint64_t count) { position_ += std::min(count, bytes_->size() - position_); }

void image_reader::seek(uint64_t position) {
  position_ = std::min(position, bytes_->size());
  exhausted_ = false;
}

int image_reader::stb_read(void* user, char* data, int size) {
  return static_cast<int>(
      static_cast<image_reader*>(user)->read(reinterpret_cast<uint8_t*>(data), static_cast<size_t>(std::max(size, 0))));
}

void image_reader::stb_skip(void* user, int count) {
  auto* reader = static_cast<image_reader*>(user);
  if (count >= 0)
    reader->skip(static_cast<uint64_t>(count));
  else  // stb 2.27 never skips back through callbacks; if it did, not before the start
    reader->seek(reader->position() - std::min<uint64_t>(reader->position(), static_cast<uint64_t>(-int64_t{count})));
}

int image_reader::stb_eof(void* user) { return static_cast<image_reader*>(user)->at_end() ? 1 : 0; }

} // namespace vs::media

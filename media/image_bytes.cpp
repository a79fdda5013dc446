#include "media/image_bytes.hpp"

#include <algorithm>
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

} // namespace vs::media

#pragma once
/// libavformat reading one already opened file through its descriptor: the
/// demuxer sees exactly the file that was opened and checked (confined_file),
/// never a path it could resolve again, and may open nothing else. A
/// playlist (HLS, concat) naming other files therefore fails instead of
/// reading them.

#include "media/confined_file.hpp"
#include "media/error.hpp"

#include <cstdint>
#include <memory>

struct AVFormatContext;
struct AVIOContext;

namespace vs::media {

class av_file_input {
public:
  /// Opens `file` (still owned by the caller, who keeps it open while this
  /// lives) for demuxing; `what` names it in errors ("audio file").
  static expected<std::unique_ptr<av_file_input>> open(const confined_file& file, const std::string& what);
  ~av_file_input();
  av_file_input(const av_file_input&) = delete;
  av_file_input& operator=(const av_file_input&) = delete;

  AVFormatContext* context() const { return format_; }

private:
  av_file_input(int descriptor, int64_t size) : descriptor_(descriptor), size_(size) {}
  static int read(void* opaque, uint8_t* buffer, int size);
  static int64_t seek(void* opaque, int64_t offset, int whence);

  int descriptor_;
  int64_t size_;
  int64_t position_ = 0;
  AVIOContext* io_ = nullptr;
  AVFormatContext* format_ = nullptr;
};

} // namespace vs::media

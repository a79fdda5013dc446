#include "media/av_file_input.hpp"

#include "media/av_util.hpp"

#include <cerrno>
#include <unistd.h>

namespace vs::media {

namespace {

constexpr int io_buffer_bytes = 64 * 1024;

/// Nested opens (playlist entries, external references) are refused: only
/// the checked file may be read.
int refuse_nested_open(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) { return AVERROR(EPERM); }

} // namespace

int av_file_input::read(void* opaque, uint8_t* buffer, int size) {
  auto* self = static_cast<av_file_input*>(opaque);
  for (;;) {
    ssize_t got = ::pread(self->descriptor_, buffer, static_cast<size_t>(size), static_cast<off_t>(self->position_));
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return AVERROR(errno);
    if (got == 0)
      return AVERROR_EOF;
    self->position_ += got;
    return static_cast<int>(got);
  }
}

int64_t av_file_input::seek(void* opaque, int64_t offset, int whence) {
  auto* self = static_cast<av_file_input*>(opaque);
  whence &= ~AVSEEK_FORCE;
  int64_t target = 0;
  switch (whence) {
    case AVSEEK_SIZE: return self->size_;
    case SEEK_SET: target = offset; break;
    case SEEK_CUR: target = self->position_ + offset; break;
    case SEEK_END: target = self->size_ + offset; break;
    default: return AVERROR(EINVAL);
  }
  if (target < 0)
    return AVERROR(EINVAL);
  self->position_ = target;
  return target;
}

expected<std::unique_ptr<av_file_input>> av_file_input::open(const confined_file& file, const std::string& what) {
  std::unique_ptr<av_file_input> input(new av_file_input(file.descriptor(), file.size()));
  auto* buffer = static_cast<uint8_t*>(av_malloc(io_buffer_bytes));
  if (buffer != nullptr)
    input->io_ = avio_alloc_context(buffer, io_buffer_bytes, 0, input.get(), &av_file_input::read, nullptr,
                                    &av_file_input::seek);
  if (input->io_ == nullptr) {
    av_free(buffer);
    return make_error(errc::internal, "out of memory opening " + what + " " + file.path());
  }
  input->format_ = avformat_alloc_context();
  if (input->format_ == nullptr)
    return make_error(errc::internal, "out of memory opening " + what + " " + file.path());
  input->format_->pb = input->io_;
  input->format_->io_open = &refuse_nested_open;
  // The name only serves format probing by extension and messages: with a
  // custom pb, libavformat opens nothing by it.
  int rc = avformat_open_input(&input->format_, file.path().c_str(), nullptr, nullptr);
  if (rc < 0)  // avformat_open_input has freed the context
    return make_error(errc::input_invalid, "cannot read " + what + " " + file.path() + ": " + av::error_string(rc));
  return input;
}

av_file_input::~av_file_input() {
  avformat_close_input(&format_);
  if (io_ != nullptr)
    av_freep(&io_->buffer);
  avio_context_free(&io_);
}

} // namespace vs::media

#include "media/captions/caption_export.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace vs::media::captions {

std::string srt_path_for(const std::string& video_path) {
  return std::filesystem::path(video_path).replace_extension(".srt").string();
}

expected<caption_export> caption_export::write(const std::string& video_path, const std::string& srt_text) {
  auto file = output_file::beside(srt_path_for(video_path));
  if (!file)
    return file.error();
  int fd = ::open(file->temporary_path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0)
    return make_error(errc::io_error, "cannot write " + file->temporary_path() + ": " + std::strerror(errno));
  size_t written = 0;
  while (written < srt_text.size()) {
    ssize_t wrote = ::write(fd, srt_text.data() + written, srt_text.size() - written);
    if (wrote < 0 && errno == EINTR)
      continue;
    if (wrote < 0) {
      int code = errno;
      ::close(fd);
      return make_error(errc::io_error, "cannot write " + file->temporary_path() + ": " + std::strerror(code));
    }
    written += static_cast<size_t>(wrote);
  }
  ::close(fd);
  return caption_export(std::move(*file));
}

void caption_export::withdraw() {
  std::error_code ignored;
  std::filesystem::remove(file_.final_path(), ignored);
}

status commit_with_captions(output_file& video, std::optional<caption_export>& captions) {
  if (captions)
    if (auto committed = captions->commit(); !committed)
      return committed;
  auto committed = video.commit();
  if (!committed && captions)
    captions->withdraw();
  return committed;
}

} // namespace vs::media::captions

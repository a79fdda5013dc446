#include "api/confined_file.hpp"

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace vs::api {

namespace fs = std::filesystem;

namespace {

bool is_inside(const std::string& real_path, const std::string& real_folder) {
  if (real_folder == "/")
    return real_path.size() > 1 && real_path.front() == '/';
  return real_path.size() > real_folder.size() + 1 && real_path.compare(0, real_folder.size(), real_folder) == 0 &&
         real_path[real_folder.size()] == '/';
}

error outside(const std::string& what, const std::string& folder) {
  return make_error(errc::forbidden_path, what + " is not inside " + folder);
}

} // namespace

confined_file::~confined_file() { ::close(fd_); }

int64_t confined_file::read_at(uint64_t offset, char* into, size_t length) const {
  for (;;) {
    ssize_t n = ::pread(fd_, into, length, static_cast<off_t>(offset));
    if (n >= 0 || errno != EINTR)
      return n;
  }
}

status check_opened_file(int fd, const std::string& real_folder, const std::string& what) {
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))
    return make_error(errc::forbidden_path, what + " is not a regular file");
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char real[PATH_MAX + 1];
  ssize_t length = ::readlink(link, real, PATH_MAX);
  if (length <= 0 || !is_inside(std::string(real, static_cast<size_t>(length)), real_folder))
    return outside(what, real_folder);
  return {};
}

expected<std::shared_ptr<confined_file>> open_confined_file(const std::string& folder, const std::string& path,
                                                            const std::string& what) {
  std::error_code ec;
  const std::string real_folder = fs::canonical(folder, ec).string();
  if (ec)
    return make_error(errc::not_found, what + " is not available: the folder " + folder + " does not exist");
  fs::path target = fs::path(path).is_absolute() ? fs::path(path) : fs::path(folder) / path;
  // A first check on the path, so that nothing outside is even opened (a
  // FIFO or a device could block or have side effects)...
  fs::path resolved = fs::weakly_canonical(target, ec);
  if (ec || !is_inside(resolved.string(), real_folder))
    return outside(what, real_folder);
  // ...and the one that counts, on what was opened. O_NONBLOCK: opening a
  // FIFO planted inside must not hang the request.
  int fd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    int why = errno;
    if (why == ENOENT || why == ENOTDIR)
      return make_error(errc::not_found, what + " is gone");
    return make_error(errc::io_error, what + " cannot be opened: " + std::strerror(why));
  }
  if (auto checked = check_opened_file(fd, real_folder, what); !checked) {
    ::close(fd);
    return checked.error();
  }
  struct stat info {};
  ::fstat(fd, &info);
  return std::make_shared<confined_file>(fd, static_cast<uint64_t>(info.st_size));
}

} // namespace vs::api

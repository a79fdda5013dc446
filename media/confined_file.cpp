#include "media/confined_file.hpp"

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace vs::media {

namespace {

/// Closes a descriptor on scope exit unless released.
class descriptor_guard {
public:
  explicit descriptor_guard(int fd) : fd_(fd) {}
  ~descriptor_guard() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  descriptor_guard(const descriptor_guard&) = delete;
  descriptor_guard& operator=(const descriptor_guard&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

private:
  int fd_;
};

std::string proc_link(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

/// Where the kernel resolved `fd` to, or an empty string if /proc cannot say.
std::string real_path_of(int fd) {
  char buffer[PATH_MAX + 1];
  ssize_t length = ::readlink(proc_link(fd).c_str(), buffer, PATH_MAX);
  if (length <= 0)
    return {};
  return std::string(buffer, static_cast<size_t>(length));
}

error open_failure(int code, const std::string& what, const std::string& path) {
  if (code == ENOENT || code == ENOTDIR)
    return make_error(errc::input_missing, what + " " + path + " does not exist");
  return make_error(errc::input_invalid, "cannot open " + what + " " + path + ": " + std::strerror(code));
}

} // namespace

confined_file::confined_file(int descriptor, int64_t size, std::string path)
    : descriptor_(descriptor), size_(size), path_(std::move(path)) {}

confined_file::confined_file(confined_file&& other) noexcept
    : descriptor_(std::exchange(other.descriptor_, -1)), size_(other.size_), path_(std::move(other.path_)) {}

confined_file& confined_file::operator=(confined_file&& other) noexcept {
  if (this != &other) {
    if (descriptor_ >= 0)
      ::close(descriptor_);
    descriptor_ = std::exchange(other.descriptor_, -1);
    size_ = other.size_;
    path_ = std::move(other.path_);
  }
  return *this;
}

confined_file::~confined_file() {
  if (descriptor_ >= 0)
    ::close(descriptor_);
}

expected<confined_file> confined_file::open(const std::string& path, const root_folders& roots,
                                            const std::string& what, int64_t max_bytes) {
  if (path.empty())
    return make_error(errc::input_invalid, what + " path is empty");
  // The kernel would stop at a NUL and open a different path than the one checked.
  if (path.find('\0') != std::string::npos)
    return make_error(errc::input_invalid, what + " path contains a NUL byte");
  auto forbidden = [&] {
    return make_error(errc::forbidden_path,
                      what + " " + path + " is outside the allowed folders " + roots.describe());
  };
  // A path that is outside lexically is refused before the file system is
  // asked anything: the answer does not reveal whether it exists.
  if (!roots.contains(lexically_absolute(path)))
    return forbidden();

  descriptor_guard located(::open(path.c_str(), O_PATH | O_CLOEXEC));
  if (located.get() < 0)
    return open_failure(errno, what, path);
  struct stat found {};
  if (::fstat(located.get(), &found) != 0)
    return open_failure(errno, what, path);
  // Where first: the kind of a file outside the roots is none of the caller's business.
  if (roots.confined()) {
    std::string real = real_path_of(located.get());
    // Not absolute: "(unreachable)…" or no /proc. Either way, not provably inside.
    if (real.empty() || real.front() != '/')
      return make_error(errc::forbidden_path, "cannot tell where " + what + " " + path +
                                                  " lies (is /proc mounted?), so it is not read");
    if (!roots.contains(std::filesystem::path(real)))
      return forbidden();
  }
  if (!S_ISREG(found.st_mode))
    return make_error(errc::input_invalid, what + " " + path + " is not a regular file");

  // Opening the /proc link opens the inode just checked, not whatever the
  // path names by now.
  descriptor_guard opened(::open(proc_link(located.get()).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (opened.get() < 0) {
    int code = errno;
    if (code == ENOENT)
      return make_error(errc::input_invalid, "cannot open " + what + " " + path + ": /proc is not mounted");
    return open_failure(code, what, path);
  }
  struct stat read_side {};
  if (::fstat(opened.get(), &read_side) != 0)
    return open_failure(errno, what, path);
  if (read_side.st_dev != found.st_dev || read_side.st_ino != found.st_ino)
    return make_error(errc::internal, what + " " + path + " changed identity while it was opened");
  const auto size = static_cast<int64_t>(read_side.st_size);
  if (size == 0)
    return make_error(errc::input_invalid, what + " " + path + " is empty");
  if (size > max_bytes)
    return make_error(errc::input_too_large, what + " " + path + " is " + std::to_string(size) +
                                                 " bytes, over the limit of " + std::to_string(max_bytes) + " bytes");
  return confined_file(opened.release(), size, path);
}

} // namespace vs::media

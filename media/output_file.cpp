#include "media/output_file.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace vs::media {

namespace fs = std::filesystem;

namespace {

constexpr const char* partial_marker = ".partial-";
constexpr size_t random_bytes = 16;
/// A partial file of a version without locks may still be written by such a
/// process (a rolling upgrade); an hour without a write means it is not.
constexpr auto legacy_partial_age = std::chrono::hours(1);

std::string system_error_text(int code) { return std::strerror(code); }

/// 128 bits from the kernel's generator, as hex: unguessable, and unique
/// across processes and hosts without coordination.
expected<std::string> random_hex() {
  unsigned char bytes[random_bytes];
  size_t filled = 0;
  while (filled < sizeof bytes) {
    ssize_t got = ::getrandom(bytes + filled, sizeof bytes - filled, 0);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return make_error(errc::io_error, "cannot name a temporary file: getrandom: " + system_error_text(errno));
    filled += static_cast<size_t>(got);
  }
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (unsigned char byte : bytes) {
    text += digits[byte >> 4];
    text += digits[byte & 15];
  }
  return text;
}

bool all_of(const std::string& text, size_t from, size_t to, bool (*accept)(char)) {
  if (from >= to)
    return false;
  for (size_t i = from; i < to; ++i)
    if (!accept(text[i]))
      return false;
  return true;
}

enum class partial_kind { none, locked_scheme, legacy_scheme };

/// `.<name>.partial-<32 hex>.mp4` (this version) or `.<name>.partial-<pid>-<n>.mp4` (before locks).
partial_kind classify(const std::string& name) {
  const std::string suffix = ".mp4";
  if (name.size() < 2 || name[0] != '.' || name.size() <= suffix.size() ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return partial_kind::none;
  size_t marker = name.rfind(partial_marker);
  if (marker == std::string::npos || marker == 0)
    return partial_kind::none;
  size_t from = marker + std::strlen(partial_marker);
  size_t to = name.size() - suffix.size();
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (to - from == 2 * random_bytes && all_of(name, from, to, hex))
    return partial_kind::locked_scheme;
  size_t dash = name.find('-', from);
  if (dash != std::string::npos && dash < to && all_of(name, from, dash, digit) &&
      all_of(name, dash + 1, to, digit))
    return partial_kind::legacy_scheme;
  return partial_kind::none;
}

bool is_old_enough(const struct stat& info) {
  auto modified = std::chrono::system_clock::from_time_t(info.st_mtime);
  return std::chrono::system_clock::now() - modified >= legacy_partial_age;
}

/// Removes `name` if it is a regular file nobody holds locked; true if removed.
bool remove_if_stale(int folder, const std::string& name, partial_kind kind) {
  // O_RDWR: on NFS an exclusive lock needs a descriptor open for writing.
  int fd = ::openat(folder, name.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return false;
  bool removed = false;
  struct stat opened {};
  struct stat named {};
  if (::fstat(fd, &opened) == 0 && S_ISREG(opened.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0 &&
      (kind == partial_kind::locked_scheme || is_old_enough(opened)) &&
      ::fstatat(folder, name.c_str(), &named, AT_SYMLINK_NOFOLLOW) == 0 && named.st_dev == opened.st_dev &&
      named.st_ino == opened.st_ino)
    removed = ::unlinkat(folder, name.c_str(), 0) == 0;
  // Closing releases the lock; a writer that created this file but lost the
  // race for the lock sees it unlinked and picks another name.
  ::close(fd);
  return removed;
}

/// The outcome of creating a locked temporary file under a given name.
struct created {
  enum kind { ready, name_taken, unsupported, failed } outcome = failed;
  int fd = -1;
  int error = 0;
};

created failed_with(int code, int fd = -1) {
  if (fd >= 0)
    ::close(fd);
  return {created::failed, -1, code};
}

/// The name appears with the lock already held, so no sweeper ever sees the
/// file unlocked: an unnamed file (O_TMPFILE) is locked, then linked under
/// `name` (EEXIST if taken, like O_EXCL). `unsupported` where the file system
/// has no O_TMPFILE (NFS, some FUSE) or /proc is missing.
created create_locked_unnamed(int folder, const std::string& name) {
  int fd = ::openat(folder, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0) {
    int code = errno;
    if (code == EOPNOTSUPP || code == EISDIR || code == EINVAL)
      return {created::unsupported};
    return failed_with(code);
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
    return failed_with(errno, fd);
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  if (::linkat(AT_FDCWD, link.c_str(), folder, name.c_str(), AT_SYMLINK_FOLLOW) != 0) {
    int code = errno;
    ::close(fd);
    if (code == EEXIST)
      return {created::name_taken};
    if (code == ENOENT)
      return {created::unsupported};
    return failed_with(code);
  }
  return {created::ready, fd};
}

/// O_EXCL, then the lock. A sweeper may take the file in the instant
/// between (it finds it unlocked): then the name is given up for another.
created create_then_lock(int folder, const std::string& name) {
  int fd = ::openat(folder, name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0)
    return errno == EEXIST ? created{created::name_taken} : failed_with(errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int code = errno;
    if (code == EWOULDBLOCK) {  // a sweeper holds it and is removing it
      ::close(fd);
      return {created::name_taken};
    }
    ::unlinkat(folder, name.c_str(), 0);
    return failed_with(code, fd);
  }
  struct stat info {};
  if (::fstat(fd, &info) == 0 && info.st_nlink == 0) {  // swept before the lock was ours
    ::close(fd);
    return {created::name_taken};
  }
  return {created::ready, fd};
}

} // namespace

output_file::output_file(std::string final_path, std::string temporary_path, int folder, int file)
    : final_path_(std::move(final_path)), temporary_path_(std::move(temporary_path)), folder_(folder), file_(file) {}

expected<output_file> output_file::beside(const std::string& final_path) {
  fs::path target(final_path);
  if (target.filename().empty() || target.filename() == "." || target.filename() == "..")
    return make_error(errc::invalid_argument, "output path " + final_path + " names a folder, not a file",
                      "output_path");
  fs::path folder_path = target.has_parent_path() ? target.parent_path() : fs::path(".");
  int folder = ::open(folder_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder < 0) {
    int code = errno;
    if (code == ENOENT || code == ENOTDIR)
      return make_error(errc::invalid_argument, "output folder " + folder_path.string() + " does not exist",
                        "output_path");
    return make_error(errc::io_error, "cannot open output folder " + folder_path.string() + ": " +
                                          system_error_text(code), "output_path");
  }
  auto failure = [&](int code) {
    ::close(folder);
    if (code == EACCES || code == EROFS || code == EPERM)
      return make_error(errc::io_error, "output folder " + folder_path.string() + " is not writable", "output_path");
    if (code == ENOLCK || code == EINVAL || code == EOPNOTSUPP)
      return make_error(errc::io_error, "output folder " + folder_path.string() + " does not support file locks: " +
                                            system_error_text(code), "output_path");
    return make_error(errc::io_error, "cannot create a file in output folder " + folder_path.string() + ": " +
                                          system_error_text(code), "output_path");
  };
  bool unnamed_first = true;
  // A name is tried again only after losing it to a sweeper (without
  // O_TMPFILE) or, never in practice, on a collision of 128 random bits.
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto suffix = random_hex();
    if (!suffix) {
      ::close(folder);
      return suffix.error();
    }
    std::string name = "." + target.filename().string() + partial_marker + *suffix + ".mp4";
    created made = unnamed_first ? create_locked_unnamed(folder, name) : create_then_lock(folder, name);
    if (made.outcome == created::unsupported) {
      unnamed_first = false;
      made = create_then_lock(folder, name);
    }
    if (made.outcome == created::failed)
      return failure(made.error);
    if (made.outcome == created::ready)
      return output_file(final_path, (folder_path / name).string(), folder, made.fd);
  }
  ::close(folder);
  return make_error(errc::io_error, "cannot create a temporary file in " + folder_path.string(), "output_path");
}

output_file::output_file(output_file&& other) noexcept
    : final_path_(std::move(other.final_path_)), temporary_path_(std::move(other.temporary_path_)),
      folder_(std::exchange(other.folder_, -1)), file_(std::exchange(other.file_, -1)),
      committed_(std::exchange(other.committed_, true)) {}

output_file& output_file::operator=(output_file&& other) noexcept {
  if (this != &other) {
    discard();
    final_path_ = std::move(other.final_path_);
    temporary_path_ = std::move(other.temporary_path_);
    folder_ = std::exchange(other.folder_, -1);
    file_ = std::exchange(other.file_, -1);
    committed_ = std::exchange(other.committed_, true);
  }
  return *this;
}

output_file::~output_file() { discard(); }

void output_file::discard() {
  // Unlinked while still locked, so no sweeper can mistake it for stale first.
  if (!committed_ && folder_ >= 0)
    ::unlinkat(folder_, fs::path(temporary_path_).filename().c_str(), 0);
  committed_ = true;
  if (file_ >= 0)
    ::close(file_);
  if (folder_ >= 0)
    ::close(folder_);
  file_ = folder_ = -1;
}

status output_file::commit() {
  if (committed_ || file_ < 0)
    return make_error(errc::internal, "output " + final_path_ + " was already committed or discarded");
  // The data first: a rename that reaches the disk before the data would
  // leave a complete-looking name on a truncated file after a power cut.
  if (::fsync(file_) != 0)
    return make_error(errc::io_error, "cannot flush " + temporary_path_ + " to disk: " + system_error_text(errno));
  const std::string temporary_name = fs::path(temporary_path_).filename().string();
  const std::string final_name = fs::path(final_path_).filename().string();
  if (::renameat(folder_, temporary_name.c_str(), folder_, final_name.c_str()) != 0)
    return make_error(errc::io_error, "cannot move " + temporary_path_ + " to " + final_path_ + ": " +
                                          system_error_text(errno));
  committed_ = true;
  // Then the folder, which holds the new name.
  int synced = ::fsync(folder_);
  int code = errno;
  discard();
  if (synced != 0)
    return make_error(errc::io_error, "cannot flush the folder of " + final_path_ + " to disk: " +
                                          system_error_text(code));
  return {};
}

expected<int> remove_stale_partials(const std::string& folder_path) {
  int folder = ::open(folder_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder < 0)
    return make_error(errc::io_error, "cannot open " + folder_path + ": " + system_error_text(errno));
  int listing_fd = ::dup(folder);
  DIR* listing = listing_fd >= 0 ? ::fdopendir(listing_fd) : nullptr;
  if (listing == nullptr) {
    int code = errno;
    if (listing_fd >= 0)
      ::close(listing_fd);
    ::close(folder);
    return make_error(errc::io_error, "cannot list " + folder_path + ": " + system_error_text(code));
  }
  int removed = 0;
  while (const dirent* entry = ::readdir(listing)) {
    std::string name = entry->d_name;
    partial_kind kind = classify(name);
    if (kind != partial_kind::none && remove_if_stale(folder, name, kind))
      ++removed;
  }
  ::closedir(listing);
  ::close(folder);
  return removed;
}

} // namespace vs::media

#pragma once
/// An input file opened read-only after checking, on the opened descriptor,
/// that it is a regular file inside the allowed root folders. The check and
/// every later read concern the same file, so a folder swapped for a symlink
/// after a request was accepted cannot lead a render outside the roots.
///
/// How: the path is first opened with O_PATH, which resolves it (symlinks
/// included) without opening the file itself, so a FIFO cannot block and a
/// device driver never sees an open. fstat must say "regular file"; the real
/// path the kernel resolved (/proc/self/fd/N) must lie inside a root. Only
/// then is that same inode opened for reading, through the /proc link, which
/// reopens the resolved file instead of looking the path up again. Needs
/// /proc, as every Linux container has.

#include "media/error.hpp"
#include "media/root_folders.hpp"

#include <cstdint>
#include <string>

namespace vs::media {

class confined_file {
public:
  /// Opens `path`; `what` names it in errors ("image", "audio file").
  /// Errors: input_missing if it does not exist, input_invalid if it is not a
  /// regular file, is empty or cannot be opened, forbidden_path outside
  /// `roots`, input_too_large over `max_bytes`. The size is that of the
  /// opened descriptor, not of whatever the path named a moment before.
  static expected<confined_file> open(const std::string& path, const root_folders& roots, const std::string& what,
                                      int64_t max_bytes);

  confined_file(confined_file&& other) noexcept;
  confined_file& operator=(confined_file&& other) noexcept;
  confined_file(const confined_file&) = delete;
  confined_file& operator=(const confined_file&) = delete;
  ~confined_file();

  /// The read-only descriptor (O_CLOEXEC); owned by this object.
  int descriptor() const { return descriptor_; }
  /// The size fstat gave for the opened descriptor.
  int64_t size() const { return size_; }
  /// The path as given, for messages.
  const std::string& path() const { return path_; }

private:
  confined_file(int descriptor, int64_t size, std::string path);

  int descriptor_ = -1;
  int64_t size_ = 0;
  std::string path_;
};

} // namespace vs::media

#pragma once
/// Opens a file for reading only if it is a regular file inside one folder,
/// after resolving symlinks. The decisive checks are made on the file that
/// was opened (fstat, and its real path through /proc/self/fd), so a path
/// swapped for a symlink between a check and the open cannot lead outside.

#include "media/error.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace vs::api {

/// An open regular file; closed when the last owner lets go.
class confined_file {
public:
  confined_file(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~confined_file();
  confined_file(const confined_file&) = delete;
  confined_file& operator=(const confined_file&) = delete;

  uint64_t size() const { return size_; }
  /// Reads up to `length` bytes at `offset` (pread: no shared file position).
  /// Returns the count read, 0 at the end, -1 on error.
  int64_t read_at(uint64_t offset, char* into, size_t length) const;

private:
  int fd_;
  uint64_t size_;
};

/// Opens `path` (relative paths are taken inside `folder`) if it is a
/// regular file inside `folder`. `what` names the file in errors ("the video
/// of job 42"). errc::not_found if it or the folder does not exist,
/// errc::forbidden_path if it resolves outside `folder` or is not a regular
/// file, errc::io_error if it cannot be opened.
expected<std::shared_ptr<confined_file>> open_confined_file(const std::string& folder, const std::string& path,
                                                            const std::string& what);

/// Whether the open descriptor `fd` is a regular file whose real path lies
/// inside the real folder `real_folder`; the check open_confined_file makes
/// after opening. ok, or errc::forbidden_path naming `what`.
status check_opened_file(int fd, const std::string& real_folder, const std::string& what);

} // namespace vs::api

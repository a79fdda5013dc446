#pragma once
/// The result appears whole or not at all: the MP4 is written under a hidden
/// temporary name in the destination folder and renamed into place only when
/// complete and on disk (rename is atomic within one file system).
///
/// The temporary name is `.<final name>.partial-<32 random hex digits>.mp4`,
/// created with O_EXCL: unique across processes and hosts sharing the folder
/// (process ids are not: in containers every worker is PID 1). While it
/// lives, the writer holds an exclusive flock on that file; a partial file
/// nobody holds a lock on belongs to a process that died (SIGKILL, power
/// cut), and `remove_stale_partials` removes it.

#include "media/error.hpp"

#include <string>

namespace vs::media {

class output_file {
public:
  /// Creates and locks an empty temporary file beside `final_path`. Fails if
  /// the folder does not exist, is not writable or does not support locks.
  static expected<output_file> beside(const std::string& final_path);

  output_file(output_file&& other) noexcept;
  output_file& operator=(output_file&& other) noexcept;
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  /// Removes the temporary file unless committed.
  ~output_file();

  const std::string& temporary_path() const { return temporary_path_; }
  const std::string& final_path() const { return final_path_; }

  /// Flushes the temporary file to disk, renames it to the final path and
  /// flushes the folder, so that once this returns the result survives a
  /// power cut (a success recorded elsewhere never points at a truncated or
  /// missing file).
  status commit();

private:
  output_file(std::string final_path, std::string temporary_path, int folder, int file);
  void discard();

  std::string final_path_;
  std::string temporary_path_;
  int folder_ = -1;  ///< the destination folder, for renameat and its fsync
  int file_ = -1;    ///< the temporary file, holding the lock
  bool committed_ = false;
};

/// Removes from `folder` the partial files of output_file that no live
/// process holds locked: left by a process killed mid-render. Safe while
/// other processes (on this or other hosts sharing the folder) write there:
/// their files are locked and kept. Partial files of versions before the
/// locks (`.<name>.partial-<pid>-<n>.mp4`) are removed once an hour old.
/// Returns how many files were removed.
expected<int> remove_stale_partials(const std::string& folder);

} // namespace vs::media

#pragma once
/// Where the input files a Redis task names may lie: MEDIA_ROOTS (by default
/// OUTPUT_DIR) and the pipeline's own folders OUTPUT_DIR/voice and
/// OUTPUT_DIR/images (PROTOCOL.md). A task hash is outside input: without
/// this, `result_ref /etc/passwd` would have the worker read any file.
/// Checked on the real path (`..` and symlinks followed); the media layer
/// checks the file it actually opens again (render_spec::input_roots).

#include "media/error.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace vs::redis {

class input_roots {
public:
  /// `media_roots` empty: OUTPUT_DIR alone, as for HTTP jobs.
  input_roots(std::string output_dir, const std::vector<std::string>& media_roots);

  /// The canonical path of the file `ref` names. An absolute ref as it is; a
  /// relative one (some producers store the bare file name) against
  /// OUTPUT_DIR, then OUTPUT_DIR/`subfolder`. `what` starts the error
  /// message ("dependency slide 9db3: its result"): errc::forbidden_path
  /// "… /etc/passwd is outside the allowed folders …", errc::input_missing
  /// "… x.png does not exist", errc::input_invalid "… is not a regular file".
  expected<std::string> locate(const std::string& ref, const std::string& subfolder, const std::string& what) const;

  /// The folders, canonical where they exist (for render_spec::input_roots).
  std::vector<std::string> folders() const;

private:
  bool contains(const std::filesystem::path& path, bool canonical_only) const;
  error outside(const std::string& ref, const std::string& what) const;

  std::filesystem::path output_dir_;
  std::vector<std::filesystem::path> roots_;   ///< as configured, lexically normal
};

} // namespace vs::redis

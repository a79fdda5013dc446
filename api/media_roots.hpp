#pragma once
/// Input files named in a request must lie inside the configured media roots.
/// Paths are resolved the way the kernel will open them (`..` and symlinks
/// followed) before the check, so neither can be used to escape a root. This
/// is the early answer to the client; the render checks again on the files
/// it opens (media/confined_file), with the same root test (media/root_folders).

#include "media/error.hpp"
#include "media/root_folders.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace vs::api {

class media_roots {
public:
  /// Roots that do not exist are kept (lexically normalised) and match nothing real.
  explicit media_roots(const std::vector<std::string>& roots);

  /// The canonical path of `path`, which must be absolute (a relative one
  /// is errc::invalid_argument). errc::forbidden_path outside every root,
  /// errc::input_missing if the file does not exist; `field` names the
  /// request field. Both errors name the roots (never what is in them) and
  /// MEDIA_ROOTS, the setting that widens them.
  expected<std::string> resolve(const std::string& path, const std::string& field) const;

  const std::vector<std::filesystem::path>& roots() const { return roots_.folders(); }

  /// "inputs must lie in MEDIA_ROOTS: /a, /b", for error messages.
  std::string allowed_text() const;

private:
  media::root_folders roots_;
};

} // namespace vs::api

#pragma once
/// Input files named in a request must lie inside the configured media roots
/// or be uploads (OUTPUT_DIR/uploads, api/upload_store). Paths are resolved
/// the way the kernel will open them (`..` and symlinks followed) before the
/// check, so neither can be used to escape a root. This is the early answer
/// to the client; the render checks again on the files it opens
/// (media/confined_file), with the same root test (media/root_folders).

#include "media/error.hpp"
#include "media/root_folders.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace vs::api {

class media_roots {
public:
  /// Roots that do not exist are kept (lexically normalised) and match
  /// nothing real. `uploads`, if not empty, is the uploads folder: allowed
  /// besides the roots, and what "upload:{id}" references name.
  explicit media_roots(const std::vector<std::string>& roots, const std::string& uploads = {});

  /// The canonical path of `path`, which must be absolute (a relative one
  /// is errc::invalid_argument) or "upload:{id}". errc::forbidden_path
  /// outside every root, errc::input_missing if the file does not exist;
  /// `field` names the request field. Both errors name the roots (never
  /// what is in them) and MEDIA_ROOTS, the setting that widens them. An
  /// upload that does not exist (never stored, or collected) is
  /// errc::input_invalid naming it.
  expected<std::string> resolve(const std::string& path, const std::string& field) const;

  /// Every folder inputs may lie in: the roots and the uploads folder.
  const std::vector<std::filesystem::path>& roots() const { return allowed_.folders(); }

  /// "inputs must lie in MEDIA_ROOTS: /a, /b", for error messages.
  std::string allowed_text() const;

private:
  media::root_folders configured_;  ///< MEDIA_ROOTS, as named in messages
  media::root_folders allowed_;     ///< MEDIA_ROOTS and the uploads folder
  std::filesystem::path uploads_;
};

} // namespace vs::api

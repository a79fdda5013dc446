#pragma once
/// The folders input files must lie in, and the one test of whether a path is
/// inside them. Shared by the check when a request arrives (api/media_roots)
/// and the check on the file a render actually opens (media/confined_file).

#include <filesystem>
#include <string>
#include <vector>

namespace vs::media {

class root_folders {
public:
  /// Unconfined: every path is allowed (the command line).
  root_folders() = default;
  /// Confined to `roots`, each canonicalised once here (a root that does not
  /// exist is kept lexically normalised and matches nothing real). An empty
  /// list is unconfined, as `render_spec::input_roots` documents; empty
  /// entries are skipped.
  explicit root_folders(const std::vector<std::string>& roots);

  bool confined() const { return confined_; }
  const std::vector<std::filesystem::path>& folders() const { return folders_; }

  /// True if `path` (absolute, normalised) is one of the folders or below
  /// one, compared component by component, so /media/rootX is not inside
  /// /media/root. Always true when unconfined.
  bool contains(const std::filesystem::path& path) const;

  /// The folders for error messages: "/a, /b".
  std::string describe() const;

private:
  std::vector<std::filesystem::path> folders_;
  bool confined_ = false;
};

/// True if `path` is `root` or below it, component by component (so
/// /media/rootX is not inside /media/root). Both absolute and normalised.
bool is_within(const std::filesystem::path& path, const std::filesystem::path& root);

/// `path` made absolute and lexically normalised, without a trailing
/// separator: ".." is folded away without touching the file system.
std::filesystem::path lexically_absolute(const std::filesystem::path& path);

} // namespace vs::media

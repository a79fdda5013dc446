#include "media/root_folders.hpp"

#include <algorithm>

namespace vs::media {

namespace fs = std::filesystem;

fs::path lexically_absolute(const fs::path& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  fs::path result = (ec ? path : absolute).lexically_normal();
  // "/a/b/" normalises to "/a/b/" with an empty last element; drop it.
  if (!result.empty() && result.filename().empty() && result != result.root_path())
    result = result.parent_path();
  return result;
}

bool is_within(const fs::path& path, const fs::path& root) {
  return std::mismatch(root.begin(), root.end(), path.begin(), path.end()).first == root.end();
}

root_folders::root_folders(const std::vector<std::string>& roots) : confined_(!roots.empty()) {
  for (const auto& root : roots) {
    if (root.empty())
      continue;
    std::error_code ec;
    fs::path canonical = fs::canonical(root, ec);
    folders_.push_back(ec ? lexically_absolute(root) : canonical);
  }
}

bool root_folders::contains(const fs::path& path) const {
  if (!confined_)
    return true;
  return std::any_of(folders_.begin(), folders_.end(), [&](const fs::path& root) { return is_within(path, root); });
}

std::string root_folders::describe() const {
  std::string text;
  for (const auto& folder : folders_)
    text += (text.empty() ? "" : ", ") + folder.string();
  return text.empty() ? "(none)" : text;
}

} // namespace vs::media

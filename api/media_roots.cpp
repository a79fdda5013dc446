#include "api/media_roots.hpp"

#include <algorithm>

namespace vs::api {

namespace fs = std::filesystem;

namespace {

/// True if `path` is `root` or below it, compared component by component
/// (so /media/rootX is not inside /media/root).
bool is_within(const fs::path& path, const fs::path& root) {
  auto mismatch = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return mismatch.first == root.end();
}

fs::path normalised(const fs::path& path) {
  fs::path result = path.lexically_normal();
  // "/a/b/" normalises to "/a/b/" with an empty last element; drop it.
  if (!result.empty() && result.filename().empty())
    result = result.parent_path();
  return result;
}

} // namespace

media_roots::media_roots(const std::vector<std::string>& roots) {
  for (const auto& root : roots) {
    if (root.empty())
      continue;
    std::error_code ec;
    fs::path canonical = fs::canonical(root, ec);
    roots_.push_back(ec ? normalised(fs::absolute(root)) : canonical);
  }
}

bool media_roots::contains(const fs::path& path) const {
  return std::any_of(roots_.begin(), roots_.end(), [&](const fs::path& root) { return is_within(path, root); });
}

expected<std::string> media_roots::resolve(const std::string& path, const std::string& field) const {
  if (path.empty())
    return make_error(errc::invalid_argument, field + " must not be empty", field);
  if (path.find('\0') != std::string::npos)
    return make_error(errc::invalid_argument, field + " contains a NUL byte", field);
  auto forbidden = [&] {
    return make_error(errc::forbidden_path, field + " " + path + " is outside the allowed media folders", field);
  };
  if (roots_.empty())
    return forbidden();
  fs::path requested = fs::path(path).is_absolute() ? fs::path(path) : roots_.front() / path;
  // Lexical check first, so the answer for a path outside the roots does not
  // reveal whether that file exists.
  if (!contains(normalised(requested)))
    return forbidden();
  std::error_code ec;
  fs::path real = fs::canonical(requested, ec);
  if (ec)
    return make_error(errc::input_missing, field + " " + path + " does not exist", field);
  // A symlink inside a root may still point outside it.
  if (!contains(real))
    return forbidden();
  if (!fs::is_regular_file(real, ec))
    return make_error(errc::input_invalid, field + " " + path + " is not a regular file", field);
  return real.string();
}

} // namespace vs::api

#include "redis/input_roots.hpp"

#include "media/root_folders.hpp"

#include <algorithm>

namespace vs::redis {

namespace {

namespace fs = std::filesystem;
using media::is_within;

fs::path normalised(const fs::path& path) { return media::lexically_absolute(path); }

fs::path canonical_or_normal(const fs::path& path) {
  std::error_code ec;
  fs::path real = fs::canonical(path, ec);
  return ec ? path : real;
}

} // namespace

input_roots::input_roots(std::string output_dir, const std::vector<std::string>& media_roots)
    : output_dir_(normalised(output_dir)) {
  for (const auto& root : media_roots)
    if (!root.empty())
      roots_.push_back(normalised(root));
  if (roots_.empty())
    roots_.push_back(output_dir_);
  roots_.push_back(output_dir_ / "voice");
  roots_.push_back(output_dir_ / "images");
}

std::vector<std::string> input_roots::folders() const {
  std::vector<std::string> folders;
  for (const auto& root : roots_)
    folders.push_back(canonical_or_normal(root).string());
  return folders;
}

bool input_roots::contains(const fs::path& path, bool canonical_only) const {
  return std::any_of(roots_.begin(), roots_.end(), [&](const fs::path& root) {
    return is_within(path, canonical_or_normal(root)) || (!canonical_only && is_within(path, root));
  });
}

error input_roots::outside(const std::string& ref, const std::string& what) const {
  // Name each folder once: the voice and images folders are inside
  // OUTPUT_DIR when it is a media root.
  std::string listed;
  for (const auto& root : roots_) {
    bool nested = std::any_of(roots_.begin(), roots_.end(),
                              [&](const fs::path& other) { return other != root && is_within(root, other); });
    if (!nested)
      listed += (listed.empty() ? "" : ", ") + root.string();
  }
  return make_error(errc::forbidden_path,
                    what + " " + ref + " is outside the allowed folders " + listed +
                      " (MEDIA_ROOTS, by default OUTPUT_DIR, and OUTPUT_DIR/voice, OUTPUT_DIR/images)");
}

expected<std::string> input_roots::locate(const std::string& ref, const std::string& subfolder,
                                          const std::string& what) const {
  if (ref.find('\0') != std::string::npos)
    return make_error(errc::input_invalid, what + " contains a NUL byte");
  std::vector<fs::path> candidates;
  if (fs::path(ref).is_absolute())
    candidates.push_back(normalised(ref));
  else
    candidates = {normalised(output_dir_ / ref), normalised(output_dir_ / subfolder / ref)};
  bool any_inside = false;
  for (const auto& candidate : candidates) {
    // The path as written first, so a ref outside is named as such whether
    // or not the file exists.
    if (!contains(candidate, false))
      continue;
    any_inside = true;
    std::error_code ec;
    fs::path real = fs::canonical(candidate, ec);
    if (ec)
      continue;  // no such file
    // A symlink inside a root may lead outside every root.
    if (!contains(real, true))
      return outside(ref, what);
    if (!fs::is_regular_file(real, ec))
      return make_error(errc::input_invalid, what + " " + ref + " is not a regular file");
    return real.string();
  }
  if (!any_inside)
    return outside(ref, what);
  return make_error(errc::input_missing, what + " " + ref + " does not exist");
}

} // namespace vs::redis

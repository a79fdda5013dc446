#include "jobs/upload_folder.hpp"

#include "media/root_folders.hpp"

#include <algorithm>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>

namespace vs::jobs {

namespace fs = std::filesystem;

fs::path uploads_folder_of(const std::string& output_dir) {
  std::error_code ec;
  fs::path folder = fs::weakly_canonical(media::lexically_absolute(output_dir) / "uploads", ec);
  return ec ? media::lexically_absolute(output_dir) / "uploads" : folder;
}

bool is_upload_id(const std::string& text) {
  const size_t dot = text.find('.');
  if (dot != 64 || text.size() < 66 || text.size() > 73)
    return false;
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  auto extension = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); };
  return std::all_of(text.begin(), text.begin() + 64, hex) && std::all_of(text.begin() + 65, text.end(), extension);
}

std::vector<std::string> uploads_used_by(const media::render_spec& spec, const fs::path& folder) {
  std::vector<std::string> used;
  auto consider = [&](const std::string& path) {
    if (!path.empty() && media::is_within(media::lexically_absolute(path), folder) &&
        std::find(used.begin(), used.end(), path) == used.end())
      used.push_back(path);
  };
  consider(spec.audio_path);
  consider(spec.music_path);
  consider(spec.captions.path);
  for (const auto& image : spec.image_paths)
    consider(image);
  return used;
}

std::string random_file_suffix() {
  static thread_local std::mt19937_64 generator(std::random_device{}());
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (uint64_t bits = generator(), i = 0; i < 16; ++i, bits >>= 4)
    text += digits[bits & 0xf];
  return text;
}

std::vector<std::string> touch_files(const std::vector<std::string>& paths) {
  std::vector<std::string> missing;
  for (const auto& path : paths)
    if (::utimensat(AT_FDCWD, path.c_str(), nullptr, 0) != 0)
      missing.push_back(path);
  return missing;
}

} // namespace vs::jobs

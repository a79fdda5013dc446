#include "media/output_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace vs::media {

namespace fs = std::filesystem;

namespace {

std::string unique_suffix() {
  static std::atomic<unsigned> counter{0};
  return std::to_string(getpid()) + "-" + std::to_string(counter.fetch_add(1));
}

} // namespace

output_file::output_file(std::string final_path, std::string temporary_path)
    : final_path_(std::move(final_path)), temporary_path_(std::move(temporary_path)) {}

expected<output_file> output_file::beside(const std::string& final_path) {
  fs::path target(final_path);
  if (target.filename().empty())
    return make_error(errc::invalid_argument, "output path " + final_path + " names a folder, not a file",
                      "output_path");
  fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    return make_error(errc::invalid_argument, "output folder " + folder.string() + " does not exist",
                      "output_path");
  if (access(folder.c_str(), W_OK) != 0)
    return make_error(errc::io_error, "output folder " + folder.string() + " is not writable", "output_path");
  // Hidden and clearly partial, so nothing that lists the folder mistakes it for a result.
  fs::path temporary = folder / ("." + target.filename().string() + ".partial-" + unique_suffix() + ".mp4");
  return output_file(final_path, temporary.string());
}

output_file::output_file(output_file&& other) noexcept
    : final_path_(std::move(other.final_path_)), temporary_path_(std::move(other.temporary_path_)),
      committed_(other.committed_) {
  other.committed_ = true;
}

output_file& output_file::operator=(output_file&& other) noexcept {
  if (this != &other) {
    discard();
    final_path_ = std::move(other.final_path_);
    temporary_path_ = std::move(other.temporary_path_);
    committed_ = other.committed_;
    other.committed_ = true;
  }
  return *this;
}

output_file::~output_file() { discard(); }

void output_file::discard() {
  if (!committed_ && !temporary_path_.empty())
    std::remove(temporary_path_.c_str());
  committed_ = true;
}

status output_file::commit() {
  if (std::rename(temporary_path_.c_str(), final_path_.c_str()) != 0)
    return make_error(errc::io_error, "cannot move " + temporary_path_ + " to " + final_path_ + ": " +
                                          std::strerror(errno));
  committed_ = true;
  return {};
}

} // namespace vs::media

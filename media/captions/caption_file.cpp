#include "media/captions/caption_file.hpp"

#include "media/confined_file.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace vs::media::captions {

namespace {

expected<std::string> read_all(const confined_file& file) {
  std::string bytes(static_cast<size_t>(file.size()), '\0');
  size_t filled = 0;
  while (filled < bytes.size()) {
    ssize_t got = ::read(file.descriptor(), bytes.data() + filled, bytes.size() - filled);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return make_error(errc::input_invalid, "cannot read captions file " + file.path() + ": " + std::strerror(errno),
                        "captions");
    if (got == 0)
      break;  // the file shrank since it was opened: parse what is there
    filled += static_cast<size_t>(got);
  }
  bytes.resize(filled);
  return bytes;
}

std::string lower_extension(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

std::string first_visible(const std::string& bytes) {
  size_t at = bytes.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  while (at < bytes.size() && std::isspace(static_cast<unsigned char>(bytes[at])))
    ++at;
  return bytes.substr(at, 6);
}

expected<timed_captions> parse_json_file(const std::string& bytes, const std::string& path,
                                         const caption_limits& limits) {
  auto value = nlohmann::json::parse(bytes, nullptr, false);
  if (value.is_discarded())
    return make_error(errc::input_invalid, "captions file " + path + " is not valid JSON", "captions");
  return parse_caption_json(value, path, limits);
}

} // namespace

expected<timed_captions> read_caption_file(const std::string& path, const root_folders& roots,
                                           const caption_limits& limits) {
  auto file = confined_file::open(path, roots, "captions file", limits.max_file_bytes);
  if (!file)
    return make_error(file.error().code, file.error().message, "captions");
  auto bytes = read_all(*file);
  if (!bytes)
    return bytes.error();
  const std::string name = "captions file " + path;
  std::string extension = lower_extension(path);
  std::string start = first_visible(*bytes);
  if (extension == ".vtt" || (extension != ".srt" && start == "WEBVTT"))
    return parse_vtt(*bytes, name, limits);
  if (extension == ".json" || (extension != ".srt" && !start.empty() && (start[0] == '[' || start[0] == '{')))
    return parse_json_file(*bytes, path, limits);
  return parse_srt(*bytes, name, limits);
}

} // namespace vs::media::captions

#pragma once
/// What the upload tests share: a file's bytes, its SHA-256 by the
/// sha256sum tool (independent of the server's OpenSSL), the uploads folder
/// of a fixture and what lies in it, and one-part multipart uploads.

#include "tests/api/http_fixture.hpp"

#include <httplib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

namespace vs::test {

inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// The SHA-256 of a file in hex, as `sha256sum` prints it.
inline std::string sha256sum(const std::string& path) {
  FILE* pipe = ::popen(("sha256sum '" + path + "'").c_str(), "r");
  if (pipe == nullptr)
    throw std::runtime_error("cannot run sha256sum");
  char digest[65] = {};
  size_t got = std::fread(digest, 1, 64, pipe);
  ::pclose(pipe);
  if (got != 64)
    throw std::runtime_error("sha256sum printed nothing for " + path);
  return digest;
}

/// OUTPUT_DIR/uploads of `server`, canonical as the API reports paths.
inline std::string uploads_folder(const http_fixture& server) {
  return std::filesystem::canonical(server.dir.file("out/uploads")).string();
}

/// The names in a folder, hidden ones (temporary files) included.
inline std::set<std::string> names_in(const std::string& folder) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    names.insert(entry.path().filename().string());
  return names;
}

/// POST `path` with one multipart/form-data file part.
inline httplib::Result post_file_part(httplib::Client& client, const std::string& path, const std::string& part,
                                      const std::string& content, const std::string& filename) {
  return client.Post(path.c_str(), httplib::MultipartFormDataItems{{part, content, filename, "application/octet-stream"}});
}

/// POST /jobs with `job`, its `field` set to `value`.
inline httplib::Result post_job_with(httplib::Client& client, nlohmann::json job, const std::string& field,
                                     nlohmann::json value) {
  job[field] = std::move(value);
  return client.Post("/jobs", job.dump(), "application/json");
}

} // namespace vs::test

#pragma once
/// One incoming upload on its way to disk: a temporary file in the uploads
/// folder (".upload-" and random digits, so two workers sharing the folder
/// never write the same file) that the bytes are appended to as they arrive, through a
/// small buffer, while their SHA-256 is computed (OpenSSL's EVP). Memory is
/// the buffer and the hash state, whatever the size of the file.
///
/// finish() flushes and fsyncs; the store then probes the file and renames
/// it to its content address (api/upload_store). Destroyed before that,
/// the temporary file is removed: a refused, cut or failed upload leaves
/// nothing behind.

#include "media/error.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

struct evp_md_ctx_st;

namespace vs::api {

class upload_file {
public:
  /// Temporary files start with this; the sweep removes stale ones.
  static constexpr const char* temp_prefix = ".upload-";

  /// Creates the temporary file in `folder`.
  static expected<std::unique_ptr<upload_file>> create(const std::filesystem::path& folder);
  ~upload_file();
  upload_file(const upload_file&) = delete;
  upload_file& operator=(const upload_file&) = delete;

  status write(const char* data, size_t size);
  /// Writes what is buffered, fsyncs and closes the file, ends the hash.
  status finish();

  uint64_t size() const { return size_; }
  /// The SHA-256 of the content in lowercase hex; set by finish().
  const std::string& sha256() const { return sha256_; }
  const std::filesystem::path& temp_path() const { return temp_path_; }
  /// The file was renamed away: nothing to remove any more.
  void release() { temp_path_.clear(); }

private:
  upload_file(int descriptor, std::filesystem::path temp_path, evp_md_ctx_st* hash);
  status flush();

  int descriptor_ = -1;
  std::filesystem::path temp_path_;
  evp_md_ctx_st* hash_ = nullptr;
  std::vector<char> buffer_;
  uint64_t size_ = 0;
  std::string sha256_;
};

} // namespace vs::api

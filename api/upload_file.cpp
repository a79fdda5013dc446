#include "api/upload_file.hpp"

#include "jobs/upload_folder.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace vs::api {

namespace {

/// Large enough that a big upload costs few write calls, small enough to
/// hold for every connection at once.
constexpr size_t buffer_bytes = 256 * 1024;

error io_failure(const std::string& doing, int code) {
  return make_error(errc::io_error, "cannot " + doing + " in the uploads folder: " + std::strerror(code));
}

} // namespace

expected<std::unique_ptr<upload_file>> upload_file::create(const std::filesystem::path& folder) {
  // Not mkstemp: its 0600 would ignore the umask the videos are made with.
  std::string pattern;
  int descriptor = -1;
  for (int attempt = 0; descriptor < 0 && attempt < 8; ++attempt) {
    pattern = (folder / (temp_prefix + jobs::random_file_suffix())).string();
    descriptor = ::open(pattern.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (descriptor < 0 && errno != EEXIST)
      break;
  }
  if (descriptor < 0)
    return io_failure("create a file", errno);
  EVP_MD_CTX* hash = EVP_MD_CTX_new();
  if (hash == nullptr || EVP_DigestInit_ex(hash, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(hash);
    ::close(descriptor);
    ::unlink(pattern.c_str());
    return make_error(errc::internal, "OpenSSL cannot compute SHA-256");
  }
  return std::unique_ptr<upload_file>(new upload_file(descriptor, pattern, hash));
}

upload_file::upload_file(int descriptor, std::filesystem::path temp_path, evp_md_ctx_st* hash)
    : descriptor_(descriptor), temp_path_(std::move(temp_path)), hash_(hash) {
  buffer_.reserve(buffer_bytes);
}

upload_file::~upload_file() {
  if (descriptor_ >= 0)
    ::close(descriptor_);
  if (!temp_path_.empty())
    ::unlink(temp_path_.c_str());
  EVP_MD_CTX_free(hash_);
}

status upload_file::write(const char* data, size_t size) {
  if (descriptor_ < 0)
    return make_error(errc::internal, "the upload was already finished");
  if (EVP_DigestUpdate(hash_, data, size) != 1)
    return make_error(errc::internal, "OpenSSL cannot compute SHA-256");
  size_ += size;
  while (size > 0) {
    size_t taken = std::min(size, buffer_bytes - buffer_.size());
    buffer_.insert(buffer_.end(), data, data + taken);
    data += taken;
    size -= taken;
    if (buffer_.size() == buffer_bytes)
      if (auto flushed = flush(); !flushed)
        return flushed;
  }
  return {};
}

status upload_file::flush() {
  size_t written = 0;
  while (written < buffer_.size()) {
    ssize_t n = ::write(descriptor_, buffer_.data() + written, buffer_.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return io_failure("write", errno);
    written += static_cast<size_t>(n);
  }
  buffer_.clear();
  return {};
}

status upload_file::finish() {
  if (auto flushed = flush(); !flushed)
    return flushed;
  // On disk before it is renamed into place: a crash never leaves a
  // content address naming other bytes.
  if (::fsync(descriptor_) != 0)
    return io_failure("sync a file", errno);
  ::close(descriptor_);
  descriptor_ = -1;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(hash_, digest, &length) != 1)
    return make_error(errc::internal, "OpenSSL cannot compute SHA-256");
  static const char hex[] = "0123456789abcdef";
  sha256_.clear();
  for (unsigned int i = 0; i < length; ++i) {
    sha256_ += hex[digest[i] >> 4];
    sha256_ += hex[digest[i] & 0xf];
  }
  return {};
}

} // namespace vs::api

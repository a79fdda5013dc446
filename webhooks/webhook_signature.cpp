#include "webhooks/webhook_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <cstdlib>
#include <vector>

namespace vs::webhooks {

std::string hmac_sha256_hex(const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), digest, &length);
  static const char* const digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += digits[digest[i] >> 4];
    hex += digits[digest[i] & 0xF];
  }
  return hex;
}

std::string sign(const std::string& secret, int64_t unix_seconds, const std::string& body) {
  const std::string t = std::to_string(unix_seconds);
  return "t=" + t + ",v1=" + hmac_sha256_hex(secret, t + "." + body);
}

status verify_signature(const std::string& secret, const std::string& header, const std::string& body,
                        int64_t now_unix_seconds, std::chrono::seconds tolerance) {
  auto refuse = [](const std::string& why) { return make_error(errc::invalid_argument, why, signature_header); };
  std::string t;
  std::vector<std::string> candidates;
  size_t start = 0;
  while (start < header.size()) {
    size_t end = std::min(header.find(',', start), header.size());
    std::string part = header.substr(start, end - start);
    start = end + 1;
    size_t equals = part.find('=');
    if (equals == std::string::npos)
      continue;
    std::string name = part.substr(0, equals);
    if (name == "t")
      t = part.substr(equals + 1);
    else if (name == "v1")
      candidates.push_back(part.substr(equals + 1));
  }
  int64_t sent = 0;
  auto [end, code] = std::from_chars(t.data(), t.data() + t.size(), sent);
  if (t.empty() || code != std::errc() || end != t.data() + t.size())
    return refuse("the signature has no timestamp (t=)");
  if (candidates.empty())
    return refuse("the signature has no v1= part");
  if (std::llabs(now_unix_seconds - sent) > tolerance.count())
    return refuse("the signature's timestamp is " + std::to_string(now_unix_seconds - sent) +
                  " s away from now (a replay?)");
  const std::string expected_hex = hmac_sha256_hex(secret, t + "." + body);
  for (const auto& candidate : candidates)
    // Constant time: how long the comparison takes tells nothing about how
    // much of a forged signature was right.
    if (candidate.size() == expected_hex.size() &&
        CRYPTO_memcmp(candidate.data(), expected_hex.data(), expected_hex.size()) == 0)
      return {};
  return refuse("the signature does not match the body");
}

} // namespace vs::webhooks

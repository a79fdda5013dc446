#pragma once
/// Where Redis is: from REDIS_URL (`redis://[:password@]host[:port][/db]`)
/// or REDIS_HOST/REDIS_PORT, as PROTOCOL.md names them.

#include "media/error.hpp"

#include <chrono>
#include <string>

namespace vs::redis {

struct redis_endpoint {
  std::string host = "redis";
  int port = 6379;
  std::string password;
  int database = 0;
  std::chrono::milliseconds connect_timeout{2000};
  /// A reply slower than this counts as a dead connection (blocking pops add
  /// their own block time on top).
  std::chrono::milliseconds command_timeout{5000};

  std::string describe() const { return host + ":" + std::to_string(port) + "/" + std::to_string(database); }
};

/// Parses a redis:// URL; anything else is errc::invalid_argument naming REDIS_URL.
expected<redis_endpoint> parse_redis_url(const std::string& url);

} // namespace vs::redis

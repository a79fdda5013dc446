#pragma once
/// A synchronous Redis connection (hiredis 0.14) that reconnects by itself.
///
/// Every call either returns the reply or an error value: a dead or slow
/// connection is errc::unavailable (the connection is dropped and the next
/// call reconnects, after a backoff so a Redis that is down is not hammered),
/// an error reply is errc::internal with Redis's text. Not thread-safe: each
/// actor that talks to Redis owns one client.

#include "redis/redis_endpoint.hpp"
#include "redis/redis_value.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

struct redisContext;

namespace vs::redis {

/// A Lua script run with EVALSHA (loaded on first use and again after a
/// Redis restart forgot it).
struct lua_script {
  const char* name;    ///< for error messages
  const char* source;
};

class redis_client {
public:
  explicit redis_client(redis_endpoint endpoint);
  ~redis_client();
  redis_client(const redis_client&) = delete;
  redis_client& operator=(const redis_client&) = delete;

  expected<redis_value> command(const std::vector<std::string>& args);

  /// For commands that block server-side up to `block` (BLMOVE): the reply
  /// timeout is `block` plus the normal command timeout, so a connection
  /// that died during the block is noticed instead of waited on forever.
  expected<redis_value> blocking_command(const std::vector<std::string>& args, std::chrono::milliseconds block);

  expected<redis_value> eval(const lua_script& script, const std::vector<std::string>& keys,
                             const std::vector<std::string>& args);

  bool connected() const { return context_ != nullptr; }
  const redis_endpoint& endpoint() const { return endpoint_; }

private:
  status connect();
  void disconnect();
  expected<redis_value> run(const std::vector<std::string>& args, std::chrono::milliseconds timeout);

  redis_endpoint endpoint_;
  redisContext* context_ = nullptr;
  std::map<const char*, std::string> script_hashes_;
  std::chrono::steady_clock::time_point next_connect_{};
  std::chrono::milliseconds backoff_{0};
};

} // namespace vs::redis

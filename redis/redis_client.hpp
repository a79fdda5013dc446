#pragma once
/// A synchronous Redis connection (hiredis 0.14) that reconnects by itself.
///
/// Every call either returns the reply or an error value. errc::unavailable
/// means "not now": a dead or slow connection (dropped; the next call
/// reconnects, after a backoff so a Redis that is down is not hammered) or a
/// transient error reply (BUSY, LOADING, READONLY, ...: see
/// is_transient_reply). The caller may retry those. Any other error reply
/// is errc::internal with Redis's text: retrying the same command will not
/// help. Not thread-safe: each actor that talks to Redis owns one client.

#include "redis/redis_endpoint.hpp"
#include "redis/redis_value.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

struct redisContext;

namespace vs::redis {

/// True for error replies that say "not now" rather than "never": a
/// long-running script (BUSY), a server loading its data set (LOADING), a
/// replica or a failing-over primary (READONLY, MASTERDOWN, NOREPLICAS),
/// a cluster in flux (TRYAGAIN, CLUSTERDOWN), a full memory or a failed
/// snapshot that blocks writes (OOM, MISCONF), too many clients.
bool is_transient_reply(const std::string& reply);

/// True when the same call may succeed later (errc::unavailable).
inline bool is_transient(const error& failure) { return failure.code == errc::unavailable; }

/// A Lua script run with EVALSHA (loaded on first use and again after a
/// Redis restart forgot it).
struct lua_script {
  std::string name;    ///< for error messages; unique among scripts
  std::string source;
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
  std::map<std::string, std::string> script_hashes_;  ///< by script name
  std::chrono::steady_clock::time_point next_connect_{};
  std::chrono::milliseconds backoff_{0};
};

} // namespace vs::redis

#pragma once
/// A real redis-server for one test: a free port, its own temp dir, stopped
/// (and its files removed) when the object goes out of scope. Can be
/// restarted on the same port to test reconnects.

#include "tests/support/temp_dir.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace vs::test {

/// A TCP port nothing listens on right now (bind port 0, read it, close).
int free_port();

class redis_server {
public:
  /// `append_only`: AOF persistence, so a restart keeps the data.
  explicit redis_server(bool append_only = false);
  ~redis_server();
  redis_server(const redis_server&) = delete;
  redis_server& operator=(const redis_server&) = delete;

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  /// Runs redis-cli against this server and returns its output (trimmed).
  std::string cli(const std::vector<std::string>& args) const;

  void stop();
  void start();

  /// Makes Redis answer BUSY to every other client: a Lua script that loops
  /// for ever (with `lua-time-limit` lowered to 10 ms), until end_busy()
  /// kills it with SCRIPT KILL. Returns once Redis answers BUSY.
  void begin_busy();
  void end_busy();

private:
  temp_dir dir_;
  int port_;
  bool append_only_;
  pid_t pid_ = -1;
  pid_t busy_pid_ = -1;   ///< the redis-cli running the endless script
};

} // namespace vs::test

#pragma once
/// The endpoint of a test's redis-server, for the clients under test.

#include "redis/redis_endpoint.hpp"
#include "tests/support/redis_server.hpp"

namespace vs::test {

inline redis::redis_endpoint local_endpoint(const redis_server& server) {
  redis::redis_endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = server.port();
  return endpoint;
}

} // namespace vs::test

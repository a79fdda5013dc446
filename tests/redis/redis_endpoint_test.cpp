#include "redis/redis_endpoint.hpp"

#include <catch2/catch.hpp>

using namespace vs;
using namespace vs::redis;

TEST_CASE("REDIS_URL gives host, port, password and database", "[redis][config]") {
  auto full = parse_redis_url("redis://:secret@cache.local:6380/2");
  REQUIRE(full);
  CHECK(full->host == "cache.local");
  CHECK(full->port == 6380);
  CHECK(full->password == "secret");
  CHECK(full->database == 2);

  auto bare = parse_redis_url("redis://redis");
  REQUIRE(bare);
  CHECK(bare->host == "redis");
  CHECK(bare->port == 6379);
  CHECK(bare->database == 0);
}

TEST_CASE("a bad REDIS_URL is refused naming the variable", "[redis][config]") {
  for (const char* url : {"http://redis:6379", "redis://host:notaport", "redis://host:0", "redis://:6379",
                          "redis://host/db"}) {
    auto parsed = parse_redis_url(url);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == errc::invalid_argument);
    CHECK(parsed.error().field == "REDIS_URL");
    CHECK(parsed.error().message.find(url) != std::string::npos);
  }
}

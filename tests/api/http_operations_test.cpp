// What an operator's tools read (issue 10, item 8): GET /ready for load
// balancers and orchestrators, /metrics without a Redis gauge when there is
// no Redis.

#include "tests/api/redis_http_fixture.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace vs::test;
using nlohmann::json;

namespace {

/// GETs `path` until it answers `status` or `limit` passes; the last answer.
httplib::Result get_until(int port, const std::string& path, int status, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    httplib::Client client("127.0.0.1", port);
    auto result = client.Get(path.c_str());
    if ((result && result->status == status) || std::chrono::steady_clock::now() > deadline)
      return result;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

} // namespace

TEST_CASE("standalone: /ready is 200 and /metrics has no vs_redis_up", "[http][ready]") {
  http_fixture server;
  auto client = server.client();
  auto ready = client.Get("/ready");
  REQUIRE(ready);
  CHECK(ready->status == 200);
  CHECK(body_of(ready) == json{{"status", "ready"}});
  auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  // Absent, not 0: an alert on vs_redis_up == 0 must not fire where there is no Redis.
  CHECK(metrics->body.find("vs_redis_up") == std::string::npos);
  CHECK(metrics->body.find("vs_jobs_running 0\n") != std::string::npos);
}

TEST_CASE("with Redis: /ready follows Redis and vs_redis_up is 1 or 0", "[http][ready][redis]") {
  redis_http_fixture fixture;
  auto ready = get_until(fixture.port, "/ready", 200, std::chrono::seconds(10));
  REQUIRE(ready);
  CHECK(ready->status == 200);
  auto metrics = fixture.client().Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("\nvs_redis_up 1\n") != std::string::npos);

  fixture.redis.stop();
  auto down = get_until(fixture.port, "/ready", 503, std::chrono::seconds(10));
  REQUIRE(down);
  CHECK(down->status == 503);
  CHECK(down->get_header_value("Retry-After") == "5");
  CHECK(body_of(down)["error"]["message"] == "Redis is unreachable: the worker cannot take tasks");
  auto metrics_down = fixture.client().Get("/metrics");
  REQUIRE(metrics_down);
  CHECK(metrics_down->body.find("\nvs_redis_up 0\n") != std::string::npos);
  // /health still answers: the process is alive, only not ready.
  auto health = fixture.client().Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);

  fixture.redis.start();
  auto back = get_until(fixture.port, "/ready", 200, std::chrono::seconds(10));
  REQUIRE(back);
  CHECK(back->status == 200);
}

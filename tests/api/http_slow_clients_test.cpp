// Slow and long clients against a real server: headers trickling in at a
// few bytes a second, synchronous /generateVideo calls held for the length
// of a render, more connections than the server takes. /health and the API
// must keep answering, and slow clients must be dropped.

#include "tests/api/http_fixture.hpp"
#include "tests/api/raw_http.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <poll.h>
#include <thread>
#include <vector>

using namespace vs::test;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

double elapsed_ms(steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(steady_clock::now() - since).count();
}

/// A job that renders for a while (one renders at a time; the others queue).
json long_job(const http_fixture& server) {
  json body = server.small_job(60.0, 2);
  body["resolution"] = "320x180";
  return body;
}

/// Calls POST /generateVideo on its own thread and keeps the answer.
struct sync_call {
  explicit sync_call(const http_fixture& server, const json& body)
      : thread([this, &server, body] {
          auto client = server.client();
          auto answer = client.Post("/generateVideo", body.dump(), "application/json");
          status = answer ? answer->status : -1;
        }) {}
  std::thread thread;
  int status = 0;
};

std::vector<json> jobs_listed(const http_fixture& server) {
  auto answer = server.client().Get("/jobs?limit=100");
  if (!answer || answer->status != 200)
    return {};
  return json::parse(answer->body)["jobs"].get<std::vector<json>>();
}

bool eventually(const std::function<bool()>& condition, milliseconds limit = milliseconds(20'000)) {
  auto deadline = steady_clock::now() + limit;
  while (steady_clock::now() < deadline) {
    if (condition())
      return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return condition();
}

/// Cancels every job and waits for the synchronous calls to come back.
void end_sync_calls(const http_fixture& server, std::vector<std::unique_ptr<sync_call>>& calls) {
  for (const auto& job : jobs_listed(server))
    server.client().Delete(("/jobs/" + job["job_id"].get<std::string>()).c_str());
  for (auto& call : calls) {
    call->thread.join();
    CHECK((call->status == 200 || call->status == 409));  // each answers: done, or cancelled
  }
}

} // namespace

TEST_CASE("slow clients and long synchronous calls do not take /health down", "[http][slow]") {
  http_fixture server([](vs::api::http_config& config) { config.request_timeout = milliseconds(3000); }, 1);
  json body = long_job(server);

  // 20 synchronous /generateVideo calls, each holding a connection until its job ends.
  std::vector<std::unique_ptr<sync_call>> calls;
  for (int i = 0; i < 20; ++i)
    calls.push_back(std::make_unique<sync_call>(server, body));
  REQUIRE(eventually([&] { return jobs_listed(server).size() == 20; }));

  // 40 clients sending their headers a byte at a time, one byte every 400 ms.
  // (A real slow loris sends one a second or less; the request deadline
  // drops it all the same.)
  std::vector<std::unique_ptr<raw_connection>> slow;
  auto slow_start = steady_clock::now();
  for (int i = 0; i < 40; ++i) {
    slow.push_back(std::make_unique<raw_connection>(server.port));
    REQUIRE(slow.back()->send_text("GET /health HTTP/1.1\r\nHost: test\r\nX-Slow: "));
  }
  std::atomic<bool> trickling{true};
  std::thread trickle([&] {
    while (trickling.load()) {
      for (auto& connection : slow)
        connection->send_text("a");
      std::this_thread::sleep_for(milliseconds(400));
    }
  });

  // While all 60 hold their connections, /health and the API answer at once.
  double slowest = 0;
  for (int i = 0; i < 10; ++i) {
    auto start = steady_clock::now();
    auto health = server.client().Get("/health");
    slowest = std::max(slowest, elapsed_ms(start));
    REQUIRE(health);
    CHECK(health->status == 200);
    std::this_thread::sleep_for(milliseconds(30));
  }
  auto start = steady_clock::now();
  CHECK(jobs_listed(server).size() == 20);
  double listing = elapsed_ms(start);
  INFO("slowest /health " << slowest << " ms, GET /jobs " << listing << " ms");
  CHECK(slowest < 1000);
  CHECK(listing < 1000);
  // The slow clients are all still connected and unanswered, if their 3 s
  // are not yet up (a loaded machine can spend them on the calls above).
  if (elapsed_ms(slow_start) < 2500) {
    for (auto& connection : slow) {
      pollfd unanswered{connection->fd(), POLLIN, 0};
      CHECK(poll(&unanswered, 1, 0) == 0);
    }
  }

  // The slow clients are answered 408 and dropped once their 3 s are up.
  for (auto& connection : slow) {
    auto answer = connection->read_response(milliseconds(6000));
    REQUIRE(answer);
    CHECK(answer->status == 408);
    CHECK(json::parse(answer->body)["error"]["message"] == "the request was not received within 3 s");
    CHECK(connection->closed_by_server(milliseconds(1000)));
  }
  double dropped_after = elapsed_ms(slow_start);
  INFO("all slow clients dropped after " << dropped_after << " ms");
  CHECK(dropped_after >= 2900);
  CHECK(dropped_after < 8000);
  trickling = false;
  trickle.join();

  end_sync_calls(server, calls);
  CHECK(server.client().Get("/health")->status == 200);
}

TEST_CASE("connections beyond max_connections are answered 503 with Retry-After", "[http][slow]") {
  http_fixture server([](vs::api::http_config& config) {
    config.max_connections = 3;
    config.idle_timeout = milliseconds(20'000);
  });
  // Three idle connections take the three threads.
  std::vector<std::unique_ptr<raw_connection>> idle;
  for (int i = 0; i < 3; ++i)
    idle.push_back(std::make_unique<raw_connection>(server.port));
  auto refused = raw_exchange(server.port, "GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(refused->header("Retry-After") == "5");
  CHECK(refused->header("Connection") == "close");
  auto failure = json::parse(refused->body)["error"];
  CHECK(failure["code"] == "unavailable");
  CHECK(failure["message"] == "the server is serving its maximum of 3 connections; retry later");

  // One leaves: its thread is free again.
  idle.pop_back();
  CHECK(eventually([&] {
    auto health = raw_exchange(server.port, "GET /health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    return health && health->status == 200;
  }, milliseconds(5000)));
}

TEST_CASE("calls to /generateVideo beyond max_sync_waits get 429 with Retry-After", "[http][slow][busy]") {
  http_fixture server([](vs::api::http_config& config) { config.max_sync_waits = 1; }, 1);
  json body = long_job(server);
  std::vector<std::unique_ptr<sync_call>> calls;
  calls.push_back(std::make_unique<sync_call>(server, body));
  REQUIRE(eventually([&] { return jobs_listed(server).size() == 1; }));

  auto second = server.client().Post("/generateVideo", body.dump(), "application/json");
  REQUIRE(second);
  CHECK(second->status == 429);
  CHECK(second->get_header_value("Retry-After") == "5");
  auto failure = json::parse(second->body)["error"];
  CHECK(failure["code"] == "busy");
  CHECK(failure["message"] == "1 POST /generateVideo calls are waiting already; retry later, or submit with POST "
                              "/jobs and poll GET /jobs/{id}");
  CHECK(jobs_listed(server).size() == 1);  // refused before anything was queued
  // POST /jobs is not held back by it.
  auto queued = server.client().Post("/jobs", body.dump(), "application/json");
  REQUIRE(queued);
  CHECK(queued->status == 202);

  end_sync_calls(server, calls);
}

TEST_CASE("a stopping server does not wait for its slow clients", "[http][slow]") {
  http_fixture server;  // 30 s to send a request, 5 s idle between requests
  raw_connection idle(server.port);
  REQUIRE(idle.send_text("GET /health HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto first = idle.read_response();
  REQUIRE(first);
  CHECK(first->status == 200);
  raw_connection slow(server.port);
  REQUIRE(slow.send_text("GET /health HTTP/1.1\r\nHost: test\r\nX-Slow: "));
  REQUIRE(eventually([&] { return server.client().Get("/health")->status == 200; }));

  auto start = steady_clock::now();
  server.http.reset();
  double stopped_after = elapsed_ms(start);
  INFO("stopped after " << stopped_after << " ms");
  CHECK(stopped_after < 4000);  // neither the 30 s request deadline nor the 5 s idle limit
  CHECK(idle.closed_by_server(milliseconds(500)));
  CHECK(slow.closed_by_server(milliseconds(500)));
}

TEST_CASE("a request body that does not arrive in time gets 408", "[http][slow]") {
  http_fixture server([](vs::api::http_config& config) { config.request_timeout = milliseconds(1000); });
  raw_connection connection(server.port);
  auto start = steady_clock::now();
  REQUIRE(connection.send_text("POST /jobs HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n{\"fps\""));
  auto answer = connection.read_response(milliseconds(5000));
  double waited = elapsed_ms(start);
  REQUIRE(answer);
  CHECK(answer->status == 408);
  CHECK(json::parse(answer->body)["error"]["message"] == "the request was not received within 1 s");
  CHECK(answer->header("Connection") == "close");
  CHECK(waited >= 900);
  CHECK(waited < 10'000);
  CHECK(connection.closed_by_server(milliseconds(1000)));
}
